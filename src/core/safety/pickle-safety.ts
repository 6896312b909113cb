import { canonicalName } from "../formats/pickle/global-names.ts";
import type { PickleNote } from "../formats/pickle/pickle-machine.ts";
import { canonicalDtype } from "../formats/pickle/torch-dtypes.ts";
import { frameworkClasses } from "./framework-globals.ts";
import type { GlobalScan, ScanFinding } from "./pickle-global-scan.ts";
import { dangerousGlobals, dangerousModules, safeGlobals } from "./pickle-safety-tables.ts";
import { isGetattrGlobal } from "./pickle-stack-model.ts";

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
  /** Dangerous globals, then the call expressions that make a call site dangerous (`getattr(subprocess.os, 'system')`). */
  readonly dangerous: readonly string[];
  readonly unknown: readonly string[];
  readonly notes: readonly string[];
  /** Every global in order of first appearance with its class. */
  readonly globals: readonly ClassifiedGlobal[];
}

const DUNDER = /^__\w+__$/;

function inDangerousModule(module: string): boolean {
  return dangerousModules.some((parent) => module === parent || module.startsWith(`${parent}.`));
}

/** Table entries only; undefined when the exact (module, qualname) is on no list. `canonical` = `module.qualname`. */
function exactClass(module: string, name: string, canonical: string): GlobalClass | undefined {
  if (safeGlobals.has(canonical)) return "safe";
  if (module === "torch" && canonicalDtype(name) !== undefined) return "safe";
  if (frameworkClasses.has(canonical)) return "expected";
  if (dangerousGlobals.has(canonical)) return "dangerous";
  return undefined;
}

/** Whether `module.name` (one attribute, no dots in `name`) is denied by a table. */
function denied(module: string, name: string): boolean {
  if (dangerousGlobals.has(`${module}.${name}`) || inDangerousModule(module)) return true;
  // Builtins are dangerous unless they only build values; exception classes are merely unknown.
  return (
    module === "builtins" && !safeGlobals.has(`builtins.${name}`) && !/(Error|Exception|Warning)$/.test(name)
  );
}

/**
 * An attribute path (`omegaconf.omegaconf` + `os.system`, resolved by protocol ≥ 4's find_class): dangerous when
 * the path itself, or any tail of it starting at an attribute, names a denied module or callable.
 */
function deniedAttributePath(moduleParts: readonly string[], nameParts: readonly string[]): boolean {
  const last = nameParts[nameParts.length - 1] ?? "";
  const through = nameParts.slice(0, -1);
  if (denied([...moduleParts, ...through].join("."), last)) return true;
  return through.some((_, start) => denied(through.slice(start).join("."), last));
}

/**
 * One global's class. A global is safe or expected only when its exact (module, qualified name) is on a list;
 * a dotted qualified name or anything unlisted is at least unknown; a `__dunder__` attribute, a denied module or
 * callable (also reached through an attribute path) is dangerous.
 */
export function classifyGlobal(rawModule: string, name: string): GlobalClass {
  const canonical = canonicalName(rawModule, name);
  const module = canonical.slice(0, canonical.length - name.length - 1);
  const exact = exactClass(module, name, canonical);
  if (exact !== undefined) return exact;
  const nameParts = name.split(".");
  if (nameParts.some((part) => DUNDER.test(part))) return "dangerous";
  if (nameParts.length > 1)
    return deniedAttributePath(module.split("."), nameParts) ? "dangerous" : "unknown";
  return denied(module, name) ? "dangerous" : "unknown";
}

const noteText: Record<PickleNote["kind"], string | undefined> = {
  "proto-not-first": undefined,
  "proto-repeated": undefined,
  "persistent-id-not-storage": "a persistent id is not a torch ('storage', …) tuple",
  "build-ignored": undefined,
  "stack-not-empty-at-stop": "values were left on the stack at STOP (unused results are a payload marker)",
};

/** Call-site findings whose detail is itself a dangerous expression. */
const dangerousCallSites = new Set<ScanFinding["kind"]>(["getattr-call", "enum-member-call"]);

const findingText: Partial<Record<ScanFinding["kind"], string>> = {
  "getattr-call": "is not an enum lookup (an allow-listed enum class and a literal member name)",
  "enum-member-call": "uses an enum member as something other than a value",
  "getattr-as-value": "is handed on as a value instead of being called as an enum lookup",
};

function noteOf(finding: ScanFinding): string {
  // Already a sentence naming the pickle it is about (legacy-torch-scan.ts).
  if (finding.kind === "legacy-header-global") return finding.detail;
  const text = findingText[finding.kind];
  const detail = text === undefined ? finding.detail : `${finding.detail} ${text}`;
  return `${finding.kind} at offset ${finding.offset}: ${detail}`;
}

/**
 * Safety findings for a scanned pickle stream, optionally refined by what interpretation noticed
 * (persistent ids). Pass the scan of the whole `data.pkl` so a second pickle after STOP is seen.
 */
export function assessPickleSafety(
  scan: GlobalScan,
  interpretationNotes: readonly PickleNote[] = [],
): PickleSafetyReport {
  const globals = classifyAll(scan);
  const callSites = scan.findings.filter((f) => dangerousCallSites.has(f.kind)).map((f) => f.detail);
  const dangerousGlobalNames = globals.filter((g) => g.class === "dangerous").map((g) => g.name);
  const dangerous = [...new Set([...dangerousGlobalNames, ...callSites])];
  const unknown = globals.filter((g) => g.class === "unknown").map((g) => g.name);
  const notes = scan.findings.map(noteOf);
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

/** getattr is cleared by its call sites: safe when the scan judged them all and none handed it on as a value. */
function getattrClass(scan: GlobalScan): GlobalClass {
  if (!scan.callSitesChecked) return "dangerous";
  return scan.findings.some((f) => f.kind === "getattr-as-value") ? "dangerous" : "safe";
}

// A literal global's class depends on its module and name only, and checkpoints name the same few dozen: each is
// classified once per process (its `module.name` made once too) instead of once per file. Bounded like
// `canonicalName`'s cache; getattr (judged by its call sites) is never cached.
const literalClasses = new Map<string, Map<string, ClassifiedGlobal>>();
const MAX_CACHED_CLASSES = 4096;
let cachedClasses = 0;

function literalClass(module: string, name: string): ClassifiedGlobal {
  const cached = literalClasses.get(module)?.get(name);
  if (cached !== undefined) return cached;
  const classified: ClassifiedGlobal = { name: `${module}.${name}`, class: classifyGlobal(module, name) };
  if (cachedClasses < MAX_CACHED_CLASSES) {
    const byName = literalClasses.get(module) ?? new Map<string, ClassifiedGlobal>();
    literalClasses.set(module, byName.set(name, classified));
    cachedClasses += 1;
  }
  return classified;
}

function classifyAll(scan: GlobalScan): ClassifiedGlobal[] {
  const seen = new Set<string>();
  const out: ClassifiedGlobal[] = [];
  for (const ref of scan.globals) {
    const getattr = isGetattrGlobal(ref.module, ref.name);
    const literal = ref.literal && !getattr ? literalClass(ref.module, ref.name) : undefined;
    const name = literal?.name ?? `${ref.module}.${ref.name}`;
    if (seen.has(name)) continue;
    seen.add(name);
    out.push(literal ?? { name, class: ref.literal ? getattrClass(scan) : "dangerous" });
  }
  return out;
}
