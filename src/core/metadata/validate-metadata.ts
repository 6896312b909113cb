import { isAlias, isMap, isScalar, isSeq, type Node } from "yaml";
import { type core, z } from "zod";
import { CheckpointMetadataV1, METADATA_TOP_LEVEL_KEYS } from "./metadata-schema.ts";
import { type ParsedPythonYaml, parsePythonYamlDocument } from "./python-yaml.ts";
import { schemaAcceptor } from "./schema-acceptor.ts";

export const METADATA_PROBLEM_CODES = [
  "yaml-syntax",
  "unsupported-schema-version",
  "invalid-timestamp",
  "missing-field",
  "invalid-type",
  "non-finite-number",
  "out-of-range",
  "invalid-value",
  "final-weights-epoch",
  "missing-primary-metric",
  "unknown-key",
] as const;
export type MetadataProblemCode = (typeof METADATA_PROBLEM_CODES)[number];

export type MetadataProblem = {
  readonly code: MetadataProblemCode;
  readonly severity: "error" | "warning";
  /** Dotted path as zod's `toDotPath` writes it: `training.epoch`, `metrics.additional_metrics["val/hmean"]`. */
  readonly path: string;
  readonly message: string;
  /** 1-based position of the field in the YAML text, when validated from text. */
  readonly line?: number;
  readonly col?: number;
};

export type MetadataValidation = {
  /** True when there is no error; warnings alone keep a sidecar valid. */
  readonly valid: boolean;
  readonly data?: CheckpointMetadataV1;
  readonly problems: readonly MetadataProblem[];
};

type PathKey = PropertyKey;
type Located = { problem: MetadataProblem; at: readonly PathKey[] };

// Metadata objects that validated, by identity: the pipeline validates what it assembles and the sidecar writer
// would validate the same object again (zod, a tenth of the daemon's CPU per checkpoint). Readonly by type.
const validObjects = new WeakSet<object>();

/** Validates already-parsed data (for example a sidecar read as YAML) against `CheckpointMetadataV1`. */
export function validateMetadata(input: unknown): MetadataValidation {
  const { located, data } = analyse(input);
  const result = finish(located, data);
  if (result.valid && typeof input === "object" && input !== null) validObjects.add(input);
  return result;
}

/**
 * The schema's verdict alone, for metadata ckpt assembled itself: the assembler keeps errors only, so the warnings
 * pass is skipped. The object counts as validated, as with `validateMetadata`.
 */
export function validateAssembledMetadata(input: CheckpointMetadataV1): MetadataValidation {
  // Without copying the object (zod's parse does): what the acceptor is unsure of goes to zod below. Its `data` is
  // the input itself, the object the assembler returns anyway.
  if (acceptsMetadata(input)) {
    validObjects.add(input);
    return { valid: true, data: input, problems: [] };
  }
  const result = CheckpointMetadataV1.safeParse(input);
  if (result.success) {
    validObjects.add(input);
    return { valid: true, data: result.data, problems: [] };
  }
  return { valid: false, problems: result.error.issues.map((issue) => fromIssue(issue, input).problem) };
}

const acceptsMetadata = schemaAcceptor(CheckpointMetadataV1);

/** True when this very object passed `validateMetadata` (a copy or another object must be validated itself). */
export function isValidatedMetadata(input: object): boolean {
  return validObjects.has(input);
}

/** Validates a parsed YAML document and adds each problem's `line`/`col` in that document. */
export function validateMetadataDocument(parsed: ParsedPythonYaml): MetadataValidation {
  const { located, data } = analyse(parsed.value);
  const withPositions = located.map(({ problem, at }) => {
    const offset = offsetOf(parsed, at);
    if (offset === undefined) return { problem, at };
    const { line, col } = parsed.lineCounter.linePos(offset);
    return { problem: { ...problem, line, col }, at };
  });
  return finish(withPositions, data);
}

/** Parses PyYAML-compatible text and validates it; a syntax error becomes one `yaml-syntax` problem. */
export function validateMetadataText(text: string): MetadataValidation {
  const parsed = parsePythonYamlDocument(text);
  if (parsed.success) return validateMetadataDocument(parsed.data);
  const { message, line, col } = parsed.error;
  return {
    valid: false,
    problems: [{ code: "yaml-syntax", severity: "error", path: "", message, line, col }],
  };
}

function finish(located: readonly Located[], data: CheckpointMetadataV1 | undefined): MetadataValidation {
  const problems = located.map(({ problem }) => problem);
  const valid = problems.every((problem) => problem.severity !== "error");
  return valid && data ? { valid, data, problems } : { valid: false, problems };
}

function analyse(input: unknown): { located: Located[]; data: CheckpointMetadataV1 | undefined } {
  const result = CheckpointMetadataV1.safeParse(input);
  const errors = result.success ? [] : result.error.issues.map((issue) => fromIssue(issue, input));
  return { located: [...errors, ...warnings(input)], data: result.success ? result.data : undefined };
}

function fromIssue(issue: core.$ZodIssue, input: unknown): Located {
  const at = issue.path;
  const problem = (code: MetadataProblemCode): Located => ({
    problem: { code, severity: "error", path: z.core.toDotPath(at), message: issue.message },
    at,
  });
  if (at[0] === "schema_version" && at.length === 1) return problem("unsupported-schema-version");
  switch (issue.code) {
    case "invalid_format":
      return problem("invalid-timestamp");
    case "invalid_type": {
      const value = valueAt(input, at);
      if (value === undefined) return problem("missing-field");
      return problem(
        typeof value === "number" && !Number.isFinite(value) ? "non-finite-number" : "invalid-type",
      );
    }
    case "too_small":
    case "too_big":
      return problem("out-of-range");
    default:
      return problem("invalid-value");
  }
}

function warnings(input: unknown): Located[] {
  const found: Located[] = [];
  const warn = (code: MetadataProblemCode, at: readonly PathKey[], message: string) =>
    found.push({ problem: { code, severity: "warning", path: z.core.toDotPath(at), message }, at });
  if (!isRecord(input)) return found;
  for (const key of Object.keys(input)) {
    if (!METADATA_TOP_LEVEL_KEYS.includes(key)) {
      warn(
        "unknown-key",
        [key],
        `unknown top-level key "${key}" is ignored (extensions belong under "ckpt:")`,
      );
    }
  }
  if (valueAt(input, ["training", "epoch"]) === -1) {
    warn(
      "final-weights-epoch",
      ["training", "epoch"],
      "epoch is -1: the framework's final weights, not a training epoch",
    );
  }
  const primary = valueAt(input, ["ckpt", "primary_metric"]);
  const { name, value } = isRecord(primary) ? primary : {};
  if (typeof name === "string") {
    if (value === undefined || value === null) {
      warn(
        "missing-primary-metric",
        ["ckpt", "primary_metric", "value"],
        `primary metric "${name}" has no value`,
      );
    }
  } else if (isRecord(valueAt(input, ["metrics"])) && valueAt(input, ["metrics", "hmean"]) == null) {
    warn("missing-primary-metric", ["metrics", "hmean"], "primary metric hmean has no value");
  }
  return found;
}

function valueAt(input: unknown, at: readonly PathKey[]): unknown {
  let current: unknown = input;
  for (const key of at) {
    if (typeof key === "symbol" || typeof current !== "object" || current === null) return undefined;
    current = (current as Record<string | number, unknown>)[key];
  }
  return current;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Source offset of the deepest node on `at`: the key of a mapping entry, the item of a sequence. */
function offsetOf(parsed: ParsedPythonYaml, at: readonly PathKey[]): number | undefined {
  let node: unknown = parsed.document.contents;
  let offset = rangeStart(node);
  for (const key of at) {
    if (isAlias(node)) node = node.resolve(parsed.document);
    if (isMap(node)) {
      const pair = node.items.findLast(
        (item) => isScalar(item.key) && String(item.key.value) === String(key),
      );
      if (!pair) break;
      offset = rangeStart(pair.key) ?? offset;
      node = pair.value;
    } else if (isSeq(node) && typeof key === "number") {
      node = node.items[key];
      offset = rangeStart(node) ?? offset;
    } else {
      break;
    }
  }
  return offset;
}

function rangeStart(node: unknown): number | undefined {
  return isScalar(node) || isMap(node) || isSeq(node) || isAlias(node)
    ? (node as Node).range?.[0]
    : undefined;
}
