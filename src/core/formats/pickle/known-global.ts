import type { DeferredRun } from "./deferred-run.ts";
import { canonicalName } from "./global-names.ts";
import { isTagged, type PyGlobal, type PyValue } from "./py-value.ts";

/** Whether a memoized value is the global `name` (by canonical name, as reconstructors are looked up). */
function isGlobalNamed(value: PyValue | DeferredRun | undefined, name: string): value is PyGlobal {
  return (
    isTagged(value as PyValue) &&
    (value as PyGlobal).kind === "global" &&
    canonicalName((value as PyGlobal).module, (value as PyGlobal).name) === name
  );
}

/**
 * One global, recognised by canonical name once per object: a pickle memoizes a global once and BINGETs it per
 * tensor, so the check is an identity compare.
 */
export class KnownGlobal {
  private seen: PyValue | DeferredRun | undefined;
  private readonly name: string;
  constructor(name: string) {
    this.name = name;
  }

  is(value: PyValue | DeferredRun | undefined): boolean {
    if (value === this.seen && value !== undefined) return true;
    // Anything but a global (a BINGET of a string, tuple, dict or module: most of a whole-module pickle's) is
    // refused by its kind alone.
    if (typeof value !== "object" || value === null || (value as { kind?: unknown }).kind !== "global")
      return false;
    // A canonical name ends in the global's own name: any other global (a module class BINGET per layer) is
    // refused without computing its canonical name.
    if (!this.name.endsWith((value as PyGlobal).name)) return false;
    if (!isGlobalNamed(value, this.name)) return false;
    this.seen = value;
    return true;
  }
}
