import type { PickleError } from "../formats/pickle/pickle-error.ts";
import type { PickleInterpretation } from "../formats/pickle/pickle-interpreter.ts";
import type { PickleOpName } from "../formats/pickle/pickle-opcodes.ts";
import { type DecodedOp, OpcodeReader } from "../formats/pickle/pickle-reader.ts";

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

const memoOps = new Set<PickleOpName>(["MEMOIZE", "PUT", "BINPUT", "LONG_BINPUT", "FRAME"]);
const stringOps = new Set<PickleOpName>([
  "SHORT_BINUNICODE",
  "BINUNICODE",
  "BINUNICODE8",
  "UNICODE",
  "STRING",
  "BINSTRING",
  "SHORT_BINSTRING",
]);
const getOps = new Set<PickleOpName>(["GET", "BINGET", "LONG_BINGET"]);

/** Static walk (like picklescan): never builds values, so it still reports globals when interpretation fails. */
export function scanPickleGlobals(bytes: Uint8Array, options: ScanOptions = {}): GlobalScan {
  const scan = new Scanner(bytes, options);
  return scan.run();
}

/**
 * The same scan, taken from a successful interpretation instead of a second walk over every opcode: the
 * interpreter executed each GLOBAL/STACK_GLOBAL/INST in order and knows STACK_GLOBAL's real operands. Use it only
 * when nothing follows STOP; trailing bytes (a second pickle) need the static walk, which covers the whole stream.
 */
export function globalScanFromInterpretation(interpretation: PickleInterpretation): GlobalScan {
  const globals = interpretation.globals.slice(0, 100_000).map((ref) => ({ ...ref, literal: true }));
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
  };
}

class Scanner {
  private readonly globals: ScannedGlobal[] = [];
  private readonly names = new Set<string>();
  private readonly pickles: Array<{ start: number; end: number }> = [];
  private readonly findings: ScanFinding[] = [];
  private memo = new Map<number, string | undefined>();
  private recent: DecodedOp[] = [];
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
      const read = reader.read(offset);
      if ("code" in read) {
        error = read;
        break;
      }
      // The reader reuses its op object; the scan keeps recent ops for STACK_GLOBAL, so it takes a copy.
      const op: DecodedOp = { ...read };
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
    };
  }

  private visit(op: DecodedOp): void {
    const name = op.info.name;
    if (name === "STOP") {
      this.stop(op);
      return;
    }
    if (name === "PROTO") this.proto(op);
    if (name === "GLOBAL" || name === "INST") this.addGlobal(op, op.arg as readonly [string, string], true);
    if (name === "STACK_GLOBAL") this.stackGlobal(op);
    if (name === "EXT1" || name === "EXT2" || name === "EXT4")
      this.find("ext-opcode", op, `${name} (extension registry)`);
    if (name === "NEXT_BUFFER" || name === "READONLY_BUFFER") this.find("buffer-opcode", op, name);
    if (name === "PERSID" || name === "BINPERSID") this.persistentId(op);
    if (memoOps.has(name) && name !== "FRAME") this.remember(op);
    this.recent.push(op);
    if (this.recent.length > 32) this.recent = this.recent.slice(-16);
  }

  private stop(op: DecodedOp): void {
    this.pickles.push({ start: this.pickleStart, end: op.next });
    this.pickleStart = op.next;
    this.memo = new Map();
    this.recent = [];
    this.protocolSeen = false;
  }

  private proto(op: DecodedOp): void {
    if (this.protocolSeen) this.find("proto-repeated", op, `PROTO ${String(op.arg)} appears twice`);
    else if (op.offset !== this.pickleStart)
      this.find("proto-not-first", op, `PROTO ${String(op.arg)} is not first`);
    this.protocolSeen = true;
  }

  private persistentId(op: DecodedOp): void {
    // A torch pid is a tuple built just before BINPERSID whose first item is the literal 'storage'.
    if (op.info.name === "PERSID") this.find("persistent-id", op, `PERSID '${String(op.arg).slice(0, 40)}'`);
  }

  private find(kind: ScanFinding["kind"], op: DecodedOp, detail: string): void {
    if (this.findings.length < 1000) this.findings.push({ kind, offset: op.offset, detail });
  }

  private addGlobal(op: DecodedOp, pair: readonly [string, string], literal: boolean): void {
    const opcode = op.info.name as ScannedGlobal["opcode"];
    if (this.globals.length < 100_000)
      this.globals.push({ module: pair[0], name: pair[1], offset: op.offset, opcode, literal });
    this.names.add(`${pair[0]}.${pair[1]}`);
  }

  private literalString(op: DecodedOp | undefined): string | undefined {
    if (!op) return undefined;
    if (stringOps.has(op.info.name)) return typeof op.arg === "string" ? op.arg : undefined;
    if (getOps.has(op.info.name)) return this.memo.get(Number(op.arg));
    return undefined;
  }

  private remember(op: DecodedOp): void {
    const index = op.info.name === "MEMOIZE" ? this.memo.size : Number(op.arg);
    // Walk back without copying: this runs for every memo opcode, thousands per data.pkl.
    let source: DecodedOp | undefined;
    for (let at = this.recent.length - 1; at >= 0 && source === undefined; at--) {
      const previous = this.recent[at];
      if (previous !== undefined && !memoOps.has(previous.info.name)) source = previous;
    }
    this.memo.set(index, this.literalString(source));
  }

  private stackGlobal(op: DecodedOp): void {
    const operands = this.recent.filter((previous) => !memoOps.has(previous.info.name)).slice(-2);
    const module = this.literalString(operands[0]);
    const name = this.literalString(operands[1]);
    if (module === undefined || name === undefined || operands.length < 2) {
      this.find("stack-global-non-literal", op, "STACK_GLOBAL operands are not string literals");
    }
    this.addGlobal(op, [module ?? "unknown", name ?? "unknown"], module !== undefined && name !== undefined);
  }
}
