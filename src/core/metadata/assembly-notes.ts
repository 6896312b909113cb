export const ASSEMBLY_PROBLEM_CODES = [
  "not-a-checkpoint",
  "unsafe-checkpoint",
  "final-weights-epoch",
  "fractional-epoch",
  "step-unknown",
  "non-finite-metric",
  "metric-out-of-range",
  "run-file",
  "invalid-metadata",
] as const;
export type AssemblyProblemCode = (typeof ASSEMBLY_PROBLEM_CODES)[number];

/** Something the assembler could not fill or had to leave out; warnings still give a valid sidecar. */
export type AssemblyProblem = {
  readonly code: AssemblyProblemCode;
  readonly severity: "warning" | "error";
  readonly message: string;
};

/** Field path (`training.epoch`, `model.encoder.model_name`) → where its value came from. */
export type FieldSources = Record<string, string>;

/** One extractor's result: its section, where each filled field came from, and what went wrong. */
export type Extracted<T> = {
  readonly value: T;
  readonly sources: FieldSources;
  readonly problems: readonly AssemblyProblem[];
};

/** Value source meaning "the schema needs a value and nothing said; this is the predecessor's default". */
export const DEFAULT_SOURCE = "default";

export function warning(code: AssemblyProblemCode, message: string): AssemblyProblem {
  return { code, severity: "warning", message };
}
