import type { PickleError } from "../formats/pickle/pickle-error.ts";
import type { PickleInterpretation } from "../formats/pickle/pickle-interpreter.ts";
import type { GlobalRef } from "../formats/pickle/pickle-machine.ts";
import { type DecodedOp, OpcodeReader } from "../formats/pickle/pickle-reader.ts";
import type { Result } from "../result.ts";
import {
  type CallSiteFindingKind,
  callSiteFindingKinds,
  isGetattrGlobal,
  PickleStackModel,
  type ResolvedGlobal,
} from "./pickle-stack-model.ts";
import { stackOps } from "./pickle-stack-ops.ts";

/** A global reference found by walking opcodes, raw names as written (`__builtin__.set`). */
export interface ScannedGlobal {
  readonly module: string;
  readonly name: string;
  readonly offset: number;
  readonly opcode: "GLOBAL" | "STACK_GLOBAL" | "INST";
  /** STACK_GLOBAL whose operands are not string literals (picklescan reports these as dangerous). */
  readonly literal: boolean;
}

export const scanFindingKinds = [
  "stack-global-non-literal",
  "proto-not-first",
  "proto-repeated",
  "ext-opcode",
  "buffer-opcode",
  "persistent-id",
  "multiple-pickles",
  // Call sites of builtins.getattr that are not the enum form (pickle-stack-model.ts).
  ...callSiteFindingKinds,
  // A global in one of the legacy torch format's four plain-value pickles.
  "legacy-header-global",
] as const;

export interface ScanFinding {
  readonly kind: (typeof scanFindingKinds)[number];
  readonly offset: number;
  readonly detail: string;
}

export interface GlobalScan {
  /** Every reference in order (duplicates kept). */
  readonly globals: readonly ScannedGlobal[];
  /** `module.name` in order of first appearance, deduplicated: what `pickle_globals` lists. */
  readonly names: readonly string[];
  /** `[start, end)` of each complete pickle (end is just past STOP). */
  readonly pickles: ReadonlyArray<{ readonly start: number; readonly end: number }>;
  readonly findings: readonly ScanFinding[];
  /** Why the walk stopped early (corrupt or truncated data); the globals before it are still listed. */
  readonly error: PickleError | undefined;
  /** Where the walk stopped: after the last complete pickle, or at the error. */
  readonly endOffset: number;
  /**
   * Whether each call site was judged (the static walk models the stack); a scan taken from an interpretation
   * only lists globals, so `builtins.getattr` in it cannot be cleared.
   */
  readonly callSitesChecked: boolean;
}

export interface ScanOptions {
  /** @default 0 */
  readonly offset?: number;
  /** Stop after this many pickles (legacy torch files: 5, then raw storage bytes). @default Infinity */
  readonly maxPickles?: number;
  /** @default 50_000_000 */
  readonly maxOpcodes?: number;
  /** @default 256 MiB */
  readonly maxStringBytes?: number;
}

/**
 * Static walk (like picklescan, with the stack modelled): never builds values, so it still reports globals when
 * interpretation fails, and judges every call of getattr where it happens.
 */
export function scanPickleGlobals(bytes: Uint8Array, options: ScanOptions = {}): GlobalScan {
  const scan = new Scanner(bytes, options);
  return scan.run();
}

/** An executed GLOBAL/STACK_GLOBAL/INST as the scan lists it: one literal, not a spread per global. */
export function literalGlobal(ref: GlobalRef): ScannedGlobal {
  return { module: ref.module, name: ref.name, offset: ref.offset, opcode: ref.opcode, literal: true };
}

/**
 * The same list of globals, taken from a successful interpretation instead of a second walk over every opcode: the
 * interpreter executed each GLOBAL/STACK_GLOBAL/INST in order and knows STACK_GLOBAL's real operands. It judges no
 * call site, so it serves only pickles without getattr and with nothing after STOP.
 */
function globalScanFromInterpretation(interpretation: PickleInterpretation): GlobalScan {
  const globals = interpretation.globals.slice(0, 100_000).map(literalGlobal);
  const names = [...new Set(interpretation.globals.map((ref) => `${ref.module}.${ref.name}`))];
  const findings: ScanFinding[] = [];
  for (const note of interpretation.notes) {
    if (note.kind === "proto-not-first" || note.kind === "proto-repeated") {
      findings.push({ kind: note.kind, offset: note.offset, detail: note.detail });
    }
  }
  return {
    globals,
    names,
    pickles: [{ start: interpretation.startOffset, end: interpretation.endOffset }],
    findings,
    error: undefined,
    endOffset: interpretation.endOffset,
    callSitesChecked: false,
  };
}

/**
 * The scan of a `data.pkl` that was just interpreted: taken from the interpretation when that is enough, the
 * static walk when interpretation failed, bytes follow STOP (a second pickle), getattr needs its call sites
 * judged (DeepSpeed and DCP enums; rare, small pickles), or a persistent id is not torch's storage tuple (a text
 * PERSID is a finding the walk words; torch never writes one).
 */
export function scanAfterInterpretation(
  bytes: Uint8Array,
  interpreted: Result<PickleInterpretation, PickleError>,
): GlobalScan {
  if (!interpreted.success || interpreted.data.trailingBytes > 0) return scanPickleGlobals(bytes);
  if (interpreted.data.notes.some((note) => note.kind === "persistent-id-not-storage"))
    return scanPickleGlobals(bytes);
  if (interpreted.data.globals.some((ref) => isGetattrGlobal(ref.module, ref.name)))
    return scanPickleGlobals(bytes);
  return globalScanFromInterpretation(interpreted.data);
}

class Scanner {
  private readonly globals: ScannedGlobal[] = [];
  private readonly names = new Set<string>();
  private readonly pickles: Array<{ start: number; end: number }> = [];
  private readonly findings: ScanFinding[] = [];
  private readonly model = new PickleStackModel({
    global: (resolved) => this.addGlobal(resolved),
    callSite: (kind, detail) => this.callSite(kind, detail),
  });
  private op: DecodedOp | undefined;
  private protocolSeen = false;
  private pickleStart = 0;
  private readonly bytes: Uint8Array;
  private readonly options: ScanOptions;

  constructor(bytes: Uint8Array, options: ScanOptions) {
    this.bytes = bytes;
    this.options = options;
  }

  run(): GlobalScan {
    let offset = this.options.offset ?? 0;
    this.pickleStart = offset;
    const maxOps = this.options.maxOpcodes ?? 50_000_000;
    const maxPickles = this.options.maxPickles ?? Number.POSITIVE_INFINITY;
    let error: PickleError | undefined;
    const reader = new OpcodeReader(this.bytes, this.options.maxStringBytes ?? 256 * 1024 * 1024);
    for (let count = 0; count < maxOps && this.pickles.length < maxPickles; count++) {
      // The reader reuses its op object: valid until the next read, which is all the walk needs.
      const op = reader.read(offset);
      if ("code" in op) {
        error = op;
        break;
      }
      offset = op.next;
      this.visit(op);
      if (op.info.name === "STOP" && offset >= this.bytes.length) break;
    }
    if (this.pickles.length > 1) {
      this.findings.push({
        kind: "multiple-pickles",
        offset: this.pickles[1]?.start ?? 0,
        detail: `${this.pickles.length} pickles follow each other in one stream`,
      });
    }
    const endOffset = error ? error.offset : (this.pickles[this.pickles.length - 1]?.end ?? offset);
    return {
      globals: this.globals,
      names: [...this.names],
      pickles: this.pickles,
      findings: this.findings,
      error,
      endOffset,
      callSitesChecked: true,
    };
  }

  private visit(op: DecodedOp): void {
    this.op = op;
    const name = op.info.name;
    if (name === "PROTO") this.proto(op);
    stackOps[name](this.model, op);
    if (name === "STOP") this.stop(op);
    else if (name === "EXT1" || name === "EXT2" || name === "EXT4")
      this.find("ext-opcode", op, `${name} (extension registry)`);
    else if (name === "NEXT_BUFFER" || name === "READONLY_BUFFER") this.find("buffer-opcode", op, name);
    else if (name === "PERSID") this.find("persistent-id", op, `PERSID '${String(op.arg).slice(0, 40)}'`);
  }

  private stop(op: DecodedOp): void {
    this.pickles.push({ start: this.pickleStart, end: op.next });
    this.pickleStart = op.next;
    this.protocolSeen = false;
  }

  private proto(op: DecodedOp): void {
    if (this.protocolSeen) this.find("proto-repeated", op, `PROTO ${String(op.arg)} appears twice`);
    else if (op.offset !== this.pickleStart)
      this.find("proto-not-first", op, `PROTO ${String(op.arg)} is not first`);
    this.protocolSeen = true;
  }

  private callSite(kind: CallSiteFindingKind, detail: string): void {
    if (this.op !== undefined) this.find(kind, this.op, detail);
  }

  private find(kind: ScanFinding["kind"], op: DecodedOp, detail: string): void {
    if (this.findings.length < 1000) this.findings.push({ kind, offset: op.offset, detail });
  }

  private addGlobal(resolved: ResolvedGlobal): void {
    const op = this.op;
    if (op === undefined) return;
    const { module, name, literal } = resolved;
    if (!literal) this.find("stack-global-non-literal", op, "STACK_GLOBAL operands are not string literals");
    const opcode = op.info.name as ScannedGlobal["opcode"];
    if (this.globals.length < 100_000)
      this.globals.push({ module, name, offset: op.offset, opcode, literal });
    this.names.add(`${module}.${name}`);
  }
}
