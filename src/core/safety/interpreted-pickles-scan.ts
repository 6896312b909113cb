import type { PickleInterpretation } from "../formats/pickle/pickle-interpreter.ts";
import {
  type GlobalScan,
  literalGlobal,
  type ScanFinding,
  type ScannedGlobal,
} from "./pickle-global-scan.ts";
import { isGetattrGlobal } from "./pickle-stack-model.ts";

/** Notes that mean the static walk would report a finding this shortcut cannot word the same way. */
const NEEDS_STATIC_WALK = new Set(["proto-not-first", "proto-repeated", "persistent-id-not-storage"]);

/**
 * The scan of pickles that follow each other (a legacy torch file's five), taken from their interpretations
 * instead of a second walk over every opcode: the interpreter executed each GLOBAL/INST in order, at the same
 * offsets. It gives exactly what `scanPickleGlobals(bytes, { maxPickles: n })` gives, or undefined when only the
 * static walk can: a STACK_GLOBAL (its operands' literalness is the walk's to judge), getattr (call sites),
 * PROTO out of place, a non-storage persistent id. `callSitesChecked` is true: with no getattr there is none.
 */
export function scanFromInterpretations(pickles: readonly PickleInterpretation[]): GlobalScan | undefined {
  const globals: ScannedGlobal[] = [];
  const names = new Set<string>();
  for (const pickle of pickles) {
    if (pickle.notes.some((note) => NEEDS_STATIC_WALK.has(note.kind))) return undefined;
    // The interpreter keeps the first 100,000 references per pickle; past that only the walk lists every name.
    if (pickle.globals.length >= 100_000) return undefined;
    for (const ref of pickle.globals) {
      if (ref.opcode === "STACK_GLOBAL" || isGetattrGlobal(ref.module, ref.name)) return undefined;
      if (globals.length < 100_000) globals.push(literalGlobal(ref));
      names.add(`${ref.module}.${ref.name}`);
    }
  }
  const spans = pickles.map((pickle) => ({ start: pickle.startOffset, end: pickle.endOffset }));
  const findings: ScanFinding[] = [];
  if (spans.length > 1)
    findings.push({
      kind: "multiple-pickles",
      offset: spans[1]?.start ?? 0,
      detail: `${spans.length} pickles follow each other in one stream`,
    });
  return {
    globals,
    names: [...names],
    pickles: spans,
    findings,
    error: undefined,
    endOffset: spans[spans.length - 1]?.end ?? 0,
    callSitesChecked: true,
  };
}
