import { canonicalName, normaliseModule } from "../formats/pickle/global-names.ts";
import type { PickleNote } from "../formats/pickle/pickle-machine.ts";
import { canonicalDtype } from "../formats/pickle/torch-dtypes.ts";
import type { GlobalScan } from "./pickle-global-scan.ts";
import {
  dangerousGlobals,
  dangerousModules,
  expectedPrefixes,
  isTorchReconstructor,
  safeBuiltins,
  safeGlobals,
} from "./pickle-safety-tables.ts";

export type GlobalClass = "safe" | "expected" | "dangerous" | "unknown";

export interface ClassifiedGlobal {
  /** Raw `module.name` as written in the pickle. */
  readonly name: string;
  readonly class: GlobalClass;
}

/** The safety report of one pickle stream. Nothing was executed: "dangerous" describes the file. */
export interface PickleSafetyReport {
  /** `unsafe`: dangerous callables or obfuscated imports; `unknown`: unrecognised globals or odd structure. */
  readonly status: "safe" | "unknown" | "unsafe";
  readonly dangerous: readonly string[];
  readonly unknown: readonly string[];
  readonly notes: readonly string[];
  /** Every global in order of first appearance with its class. */
  readonly globals: readonly ClassifiedGlobal[];
}

function inModule(module: string, parent: string): boolean {
  return module === parent || module.startsWith(`${parent}.`);
}

/** One global's class under the recommended policy (formats.md §2.5). */
export function classifyGlobal(rawModule: string, name: string): GlobalClass {
  const module = normaliseModule(rawModule);
  const qualified = `${module}.${name}`;
  const canonical = canonicalName(rawModule, name);
  if (safeGlobals.has(canonical) || isTorchReconstructor(module, name)) return "safe";
  if (module === "torch" && canonicalDtype(name) !== undefined) return "safe";
  if (module === "builtins") {
    if (safeBuiltins.has(name)) return "safe";
    return /(Error|Exception|Warning)$/.test(name) && !dangerousGlobals.has(qualified)
      ? "unknown"
      : "dangerous";
  }
  if (dangerousGlobals.has(qualified) || dangerousModules.some((parent) => inModule(module, parent))) {
    return "dangerous";
  }
  if (expectedPrefixes.some((prefix) => qualified.startsWith(prefix))) return "expected";
  return "unknown";
}

const noteText: Record<PickleNote["kind"], string | undefined> = {
  "proto-not-first": undefined,
  "proto-repeated": undefined,
  "persistent-id-not-storage": "a persistent id is not a torch ('storage', …) tuple",
  "build-ignored": undefined,
  "stack-not-empty-at-stop": "values were left on the stack at STOP (unused results are a payload marker)",
};

/**
 * Safety findings for a scanned pickle stream, optionally refined by what interpretation noticed
 * (persistent ids). Pass the scan of the whole `data.pkl` so a second pickle after STOP is seen.
 */
export function assessPickleSafety(
  scan: GlobalScan,
  interpretationNotes: readonly PickleNote[] = [],
): PickleSafetyReport {
  const globals = classifyAll(scan);
  const dangerous = globals.filter((g) => g.class === "dangerous").map((g) => g.name);
  const unknown = globals.filter((g) => g.class === "unknown").map((g) => g.name);
  const notes = scan.findings.map((f) => `${f.kind} at offset ${f.offset}: ${f.detail}`);
  for (const note of interpretationNotes) {
    const text = noteText[note.kind];
    if (text) notes.push(`${note.kind} at offset ${note.offset}: ${text} (${note.detail})`);
  }
  if (scan.error) notes.push(`scan stopped early: ${scan.error.message}`);
  const obfuscated = scan.findings.some((f) => f.kind === "stack-global-non-literal");
  const status =
    dangerous.length > 0 || obfuscated
      ? "unsafe"
      : unknown.length > 0 || notes.length > 0
        ? "unknown"
        : "safe";
  return { status, dangerous, unknown, notes, globals };
}

function classifyAll(scan: GlobalScan): ClassifiedGlobal[] {
  const seen = new Set<string>();
  const out: ClassifiedGlobal[] = [];
  for (const ref of scan.globals) {
    const name = `${ref.module}.${ref.name}`;
    if (seen.has(name)) continue;
    seen.add(name);
    out.push({ name, class: ref.literal ? classifyGlobal(ref.module, ref.name) : "dangerous" });
  }
  return out;
}
