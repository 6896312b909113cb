import { withTrainingStep } from "./checkpoint-truth.ts";
// Test-only: a checkpoint report shaped like the reader's, made from a fixture's truth file (the same facts).
import type { Truth } from "./read-truth.ts";

const UNREADABLE = new Set(["empty", "text"]);

export function reportFromTruth(truth: Truth): Record<string, unknown> {
  const malicious = truth["malicious"] === true;
  const dangerous = Array.isArray(truth["dangerous_globals"]) ? truth["dangerous_globals"] : [];
  const loadError = (truth["torch_load"] as { ok?: boolean } | undefined)?.ok === false;
  const container = String(truth["container"]);
  const broken = UNREADABLE.has(container) || (loadError && !malicious);
  const status = malicious ? "unsafe" : broken ? "corrupt" : "ok";
  return {
    ...withTrainingStep(truth),
    path: truth["file"],
    status,
    error:
      status === "ok"
        ? null
        : { code: malicious ? "dangerous-globals" : "zip-corrupt", message: "from truth" },
    safety: { status: malicious ? "unsafe" : "safe", dangerous: malicious ? dangerous : [], unknown: [] },
  };
}
