import {
  type Document,
  isAlias,
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  parseDocument,
  type Scalar,
  type YAMLMap,
} from "yaml";
import { fail, ok, type Result } from "../result.ts";
import {
  constructBool,
  constructFloat,
  constructInt,
  constructTimestamp,
  decodeBase64,
  resolvePlainScalar,
} from "./python-yaml-scalars.ts";
import { findNonPrintable, positionOf } from "./python-yaml-stream.ts";

/**
 * Reads YAML the way PyYAML 6 `yaml.safe_load` does (YAML 1.1 implicit types, `lib/yaml/resolver.py`), on top of the
 * `yaml` Document API parsed with the failsafe schema so every scalar keeps its source text and style.
 *
 * Where JS cannot hold the Python value:
 * - mapping keys become strings: `1: x` → `{ "1": "x" }`, `yes: 1` → `{ "true": 1 }`, `~: 1` → `{ "null": 1 }`;
 *   integer-like keys are ordered first by JS itself;
 * - ints beyond ±2^53−1 become `bigint`; floats are `number`, so `1.0` and `1` read the same;
 * - dates and datetimes stay strings, normalised to Python's `isoformat()` (`2024-1-2 3:04:05Z` → `2024-01-02T03:04:05+00:00`);
 * - `!!binary` → `Uint8Array`, `!!set` → array of its keys, `!!omap`/`!!pairs` → array of `[key, value]`;
 * - `!!python/tuple` → array; `!!python/object:NAME` (an instance `__dict__`, e.g. `argparse.Namespace`) → its plain
 *   mapping; `!!python/str|int|float|bool|none|list|dict` → the plain value; every other `!!python/*` tag →
 *   `{ __python_tag__: "!!python/…", value }`. These never fail the file, unlike `safe_load`.
 * - raw U+0085/U+2028/U+2029 are not line breaks (PyYAML folds them; Python writers always escape them).
 * Like PyYAML: duplicate keys → last wins; `<<` merges; plain `=`, unknown non-Python tags, unhashable keys → error.
 */

export type YamlSyntaxIssue = { readonly message: string; readonly line: number; readonly col: number };

/** A parsed file plus what the validator needs to map a value path back to `line:col`. */
export type ParsedPythonYaml = {
  readonly document: Document;
  readonly lineCounter: LineCounter;
  readonly value: unknown;
};

export const PYTHON_TAG_KEY = "__python_tag__";

const STANDARD = "tag:yaml.org,2002:";
const PLAIN_PYTHON_TAGS = new Set([
  "str",
  "unicode",
  "int",
  "long",
  "float",
  "bool",
  "none",
  "list",
  "dict",
  "tuple",
]);

/** Internal only: unwinds construction to the public boundary, which turns it into a `YamlSyntaxIssue`. */
class ConstructError extends Error {
  readonly node: Node | null;

  constructor(message: string, node: Node | null) {
    super(message);
    this.node = node;
  }
}

/** Parses one YAML document to plain data, with PyYAML's types. Never throws. */
export function parsePythonYaml(text: string): Result<unknown, YamlSyntaxIssue> {
  const parsed = parsePythonYamlDocument(text);
  return parsed.success ? ok(parsed.data.value) : parsed;
}

/** Like `parsePythonYaml`, keeping the `Document` and `LineCounter` so callers can locate values. */
export function parsePythonYamlDocument(text: string): Result<ParsedPythonYaml, YamlSyntaxIssue> {
  const bad = findNonPrintable(text);
  if (bad) {
    return fail({
      message: `unacceptable character #x${bad.code.toString(16).padStart(4, "0")}: special characters are not allowed`,
      ...positionOf(text, bad.index),
    });
  }
  const lineCounter = new LineCounter();
  const document = parseDocument(text, {
    schema: "failsafe",
    version: "1.1",
    uniqueKeys: false,
    lineCounter,
  });
  const error = document.errors[0];
  if (error) {
    const at = error.linePos?.[0] ?? { line: 1, col: 1 };
    return fail({
      message: (error.message.split("\n")[0] ?? "").replace(/ at line \d+, column \d+:?$/, ""),
      line: at.line,
      col: at.col,
    });
  }
  try {
    const value = construct(document.contents, { document, seen: new Map() });
    return ok({ document, lineCounter, value });
  } catch (caught) {
    if (!(caught instanceof ConstructError)) throw caught;
    const at = lineCounter.linePos(caught.node?.range?.[0] ?? 0);
    return fail({ message: caught.message, line: at.line, col: at.col });
  }
}

type Context = { readonly document: Document; readonly seen: Map<Node, unknown> };

function construct(node: unknown, context: Context): unknown {
  if (node === null || node === undefined) return null;
  if (isAlias(node)) return construct(node.resolve(context.document), context);
  if (isScalar(node)) return constructScalar(node, node.tag);
  if (isMap(node)) return constructMapLike(node, context);
  if (isSeq(node)) return constructSeqLike(node.items, node, context);
  throw new ConstructError("unsupported YAML node", null);
}

function constructScalar(node: Scalar, tag: string | undefined): unknown {
  const source = String(node.value);
  const fromTag = (fn: () => unknown) =>
    orFail(fn(), node, `cannot construct ${tag} from ${JSON.stringify(source)}`);
  if (tag === undefined) {
    if (node.type !== "PLAIN") return source;
    const resolved = resolvePlainScalar(source);
    if (!resolved.success) throw new ConstructError(resolved.error, node);
    return resolved.data;
  }
  const name = standardName(tag);
  switch (name) {
    case "str":
    case "python/str":
    case "python/unicode":
      return source;
    case "int":
    case "python/int":
    case "python/long":
      return fromTag(() => constructInt(source));
    case "float":
    case "python/float":
      return fromTag(() => constructFloat(source));
    case "bool":
    case "python/bool":
      return fromTag(() => constructBool(source));
    case "null":
    case "python/none":
      return null;
    case "timestamp":
      return fromTag(() => constructTimestamp(source));
    case "binary":
      return fromTag(() => decodeBase64(source));
    default:
      if (tag === "!") return source;
      return pythonTagged(tag, source, node);
  }
}

function constructMapLike(node: YAMLMap, context: Context): unknown {
  const name = node.tag === undefined ? "map" : standardName(node.tag);
  if (name === "set") return flattenPairs(node, context).map(([key]) => constructKey(key, context));
  if (name === "map" || name === "python/dict" || name?.startsWith("python/object:") || node.tag === "!") {
    return constructMapping(node, context);
  }
  return pythonTagged(node.tag ?? "", constructMapping(node, context), node);
}

function constructSeqLike(items: readonly unknown[], node: Node, context: Context): unknown {
  const name = node.tag === undefined ? "seq" : standardName(node.tag);
  if (name === "omap" || name === "pairs") {
    return items.map((item) => {
      const entry = resolveAlias(item, context);
      if (!isMap(entry) || entry.items.length !== 1)
        throw new ConstructError(`${name} expects one-key mappings`, node);
      return flattenPairs(entry, context).map(([key, value]) => [
        constructKey(key, context),
        construct(value, context),
      ])[0];
    });
  }
  const result: unknown[] = [];
  context.seen.set(node, result);
  for (const item of items) result.push(memo(item, context));
  if (name === "seq" || name === "python/list" || name === "python/tuple" || node.tag === "!") return result;
  return pythonTagged(node.tag ?? "", result, node);
}

function constructMapping(node: YAMLMap, context: Context): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  context.seen.set(node, result);
  for (const [key, value] of flattenPairs(node, context)) {
    const name = constructKey(key, context);
    const constructed = memo(value, context);
    // A plain assignment to `__proto__` would set the prototype instead of a key.
    if (name === "__proto__") {
      Object.defineProperty(result, name, {
        value: constructed,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    } else {
      result[name] = constructed;
    }
  }
  return result;
}

/** PyYAML `flatten_mapping`: merged pairs first (later `<<` sources lose), then the mapping's own pairs. */
function flattenPairs(node: YAMLMap, context: Context): [unknown, unknown][] {
  const merged: [unknown, unknown][] = [];
  const own: [unknown, unknown][] = [];
  for (const pair of node.items) {
    if (
      !(
        isScalar(pair.key) &&
        pair.key.type === "PLAIN" &&
        pair.key.tag === undefined &&
        pair.key.value === "<<"
      )
    ) {
      own.push([pair.key, pair.value]);
      continue;
    }
    const source = resolveAlias(pair.value, context);
    const sources = isSeq(source)
      ? source.items.map((item) => resolveAlias(item, context)).reverse()
      : [source];
    for (const mapping of sources) {
      if (!isMap(mapping))
        throw new ConstructError("expected a mapping or list of mappings for merging", node);
      merged.push(...flattenPairs(mapping, context));
    }
  }
  return [...merged, ...own];
}

function constructKey(node: unknown, context: Context): string {
  // PyYAML turns a plain `=` key into the string "=" (flatten_mapping retags it).
  if (isScalar(node) && node.type === "PLAIN" && node.tag === undefined && node.value === "=") return "=";
  const key = construct(node, context);
  if (typeof key === "object" && key !== null) {
    throw new ConstructError(
      "found unhashable key",
      isScalar(node) || isMap(node) || isSeq(node) ? node : null,
    );
  }
  return String(key);
}

function memo(node: unknown, context: Context): unknown {
  const target = resolveAlias(node, context);
  if (target !== null && typeof target === "object" && context.seen.has(target as Node)) {
    return context.seen.get(target as Node);
  }
  return construct(target, context);
}

function resolveAlias(node: unknown, context: Context): unknown {
  return isAlias(node) ? node.resolve(context.document) : node;
}

function pythonTagged(tag: string, value: unknown, node: Node): unknown {
  const name = standardName(tag);
  if (name?.startsWith("python/") && !PLAIN_PYTHON_TAGS.has(name)) {
    return { [PYTHON_TAG_KEY]: `!!${name}`, value: isScalar(node) ? String(value) : value };
  }
  throw new ConstructError(`could not determine a constructor for the tag '${tag}'`, node);
}

function standardName(tag: string): string | undefined {
  return tag.startsWith(STANDARD) ? tag.slice(STANDARD.length) : undefined;
}

function orFail(value: unknown, node: Node, message: string): unknown {
  if (value === undefined) throw new ConstructError(message, node);
  return value;
}
