import { resolvePlainScalar } from "./python-yaml-scalars.ts";

/** Where a value sits in the written tree: mapping keys and sequence indexes from the root. */
export type YamlPath = readonly (string | number)[];

export type StringifyPythonYamlOptions = {
  /**
   * Says which numbers are Python floats even when integral (`1` written as `1.0`). JS has one number type, so
   * float-ness is decided by the schema, not the value: sidecars pass `isMetadataFloatPath`.
   * Non-integral, `-0`, non-finite and beyond-±2^53 numbers are always floats; `bigint` is always an int.
   * @default () => false
   */
  readonly isFloat?: (path: YamlPath) => boolean;
};

const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_./-]*$/;

/**
 * Block-style YAML that PyYAML `yaml.safe_load` reads back to exactly these values (formats.md §10 writer rules):
 * strings double-quoted, keys plain only when PyYAML would read them back as the same string, insertion order,
 * 2-space indent, trailing newline. Object properties that are `undefined` are left out, as in JSON.
 * Throws `TypeError` for values YAML cannot hold (functions, symbols, class instances, cycles): a programming error.
 */
export function stringifyPythonYaml(value: unknown, options: StringifyPythonYamlOptions = {}): string {
  const isFloat = options.isFloat ?? (() => false);
  return `${renderNode(value, { path: [], indent: 0, isFloat, ancestors: new Set() }).join("\n")}\n`;
}

type RenderContext = {
  readonly path: YamlPath;
  readonly indent: number;
  readonly isFloat: (path: YamlPath) => boolean;
  readonly ancestors: Set<object>;
};

/** Lines for a node whose first line starts at `indent`; scalars and empty collections are one line. */
function renderNode(value: unknown, context: RenderContext): string[] {
  const pad = " ".repeat(context.indent);
  if (Array.isArray(value)) {
    if (value.length === 0) return [`${pad}[]`];
    return withCycleGuard(value, context, () => renderSequence(value, context));
  }
  if (isPlainObject(value)) {
    const entries = Object.entries(value).filter(([, item]) => item !== undefined);
    if (entries.length === 0) return [`${pad}{}`];
    return withCycleGuard(value, context, () => renderMapping(entries, context));
  }
  return [`${pad}${renderScalar(value, context)}`];
}

function renderSequence(items: readonly unknown[], context: RenderContext): string[] {
  const pad = " ".repeat(context.indent);
  return items.flatMap((item, index) => {
    const child = { ...context, path: [...context.path, index], indent: context.indent + 2 };
    const lines = renderNode(item === undefined ? null : item, child);
    // Compact form: the item's first line shares the dash's line (`- a: 1`, `- - 1`).
    return lines.map((line, at) => (at === 0 ? `${pad}- ${line.slice(child.indent)}` : line));
  });
}

function renderMapping(entries: readonly [string, unknown][], context: RenderContext): string[] {
  const pad = " ".repeat(context.indent);
  return entries.flatMap(([key, item]) => {
    const head = `${pad}${renderKey(key)}:`;
    const child = { ...context, path: [...context.path, key], indent: context.indent + 2 };
    if (isCollection(item)) return [head, ...renderNode(item, child)];
    return [`${head} ${renderScalar(item, child)}`];
  });
}

function renderScalar(value: unknown, context: RenderContext): string {
  if (value === null) return "null";
  if (typeof value === "boolean") return value ? "true" : "false";
  if (typeof value === "bigint") return value.toString();
  if (typeof value === "string") return quotePythonYamlString(value);
  if (typeof value === "number") {
    const integral = Number.isSafeInteger(value) && !Object.is(value, -0);
    return integral && !context.isFloat(context.path) ? String(value) : formatPythonFloat(value);
  }
  if (Array.isArray(value) && value.length === 0) return "[]";
  if (isPlainObject(value) && Object.values(value).every((item) => item === undefined)) return "{}";
  throw new TypeError(`cannot write ${describe(value)} at ${context.path.join(".") || "<root>"} as YAML`);
}

function renderKey(key: string): string {
  if (!PLAIN_KEY.test(key)) return quotePythonYamlString(key);
  const resolved = resolvePlainScalar(key);
  return resolved.success && resolved.data === key ? key : quotePythonYamlString(key);
}

/** Python `repr(float)` then PyYAML's `represent_float` fix-up: `1e-05` → `1.0e-05`, `3` → `3.0`, `.nan`, `-.inf`. */
export function formatPythonFloat(value: number): string {
  if (Number.isNaN(value)) return ".nan";
  if (!Number.isFinite(value)) return value > 0 ? ".inf" : "-.inf";
  if (Object.is(value, -0)) return "-0.0";
  const [mantissa = "", exponentText = "0"] = value.toExponential().split("e");
  const exponent = Number(exponentText);
  // Python's repr switches to scientific notation outside 1e-4 <= |x| < 1e16.
  if (exponent < -4 || exponent >= 16) {
    const digits = mantissa.includes(".") ? mantissa : `${mantissa}.0`;
    return `${digits}e${exponent < 0 ? "-" : "+"}${String(Math.abs(exponent)).padStart(2, "0")}`;
  }
  const fixed = String(value);
  return fixed.includes(".") ? fixed : `${fixed}.0`;
}

/**
 * A double-quoted YAML scalar. Escapes every character PyYAML's reader rejects or folds (C0, DEL, C1 incl. NEL,
 * U+2028/2029, BOM, U+FFFE/FFFF, lone surrogates); astral characters stay raw UTF-8.
 */
export function quotePythonYamlString(value: string): string {
  let out = '"';
  for (const char of value) {
    const code = char.codePointAt(0) ?? 0;
    if (char === '"' || char === "\\") out += `\\${char}`;
    else if (char === "\n") out += "\\n";
    else if (char === "\r") out += "\\r";
    else if (char === "\t") out += "\\t";
    else if (code < 0x20 || (code >= 0x7f && code <= 0x9f)) out += `\\x${hex(code, 2)}`;
    else if (code === 0x2028 || code === 0x2029 || code === 0xfeff || code === 0xfffe || code === 0xffff) {
      out += `\\u${hex(code, 4)}`;
    } else if (code >= 0xd800 && code <= 0xdfff) out += `\\u${hex(code, 4)}`;
    else out += char;
  }
  return `${out}"`;
}

function hex(code: number, width: number): string {
  return code.toString(16).toUpperCase().padStart(width, "0");
}

function isCollection(value: unknown): boolean {
  if (Array.isArray(value)) return value.length > 0;
  return isPlainObject(value) && Object.values(value).some((item) => item !== undefined);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null) return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

function withCycleGuard(value: object, context: RenderContext, render: () => string[]): string[] {
  if (context.ancestors.has(value)) {
    throw new TypeError(`cannot write a cyclic value at ${context.path.join(".") || "<root>"} as YAML`);
  }
  context.ancestors.add(value);
  try {
    return render();
  } finally {
    context.ancestors.delete(value);
  }
}

function describe(value: unknown): string {
  if (typeof value === "object" && value !== null)
    return `a ${value.constructor?.name ?? "null-prototype"} object`;
  return `a ${typeof value}`;
}
