import { fail, ok, type Result } from "../result.ts";

const NON_FINITE = {
  NaN: Number.NaN,
  Infinity: Number.POSITIVE_INFINITY,
  "-Infinity": Number.NEGATIVE_INFINITY,
} as const;
const SENTINEL = "\u0000ckpt-non-finite:";
/** The same sentinel as JSON source text: a raw NUL inside a JSON string is a syntax error. */
const SENTINEL_SOURCE = "\\u0000ckpt-non-finite:";

/** Deeper than any file a trainer writes; `JSON.parse`'s reviver recursion overflows the stack well past it. */
const PYTHON_JSON_MAX_DEPTH = 512;

/** `too-deep` is a file ckpt will not read however long you wait; `syntax` may be one still being written. */
export type PythonJsonError = { readonly code: "too-deep" | "syntax"; readonly message: string };

/**
 * JSON as Python's `json.dumps` writes it: bare `NaN`, `Infinity`, `-Infinity` are legal there (HF
 * `trainer_state.json` `best_metric`, losses) and rejected by `JSON.parse`. A pre-pass outside strings swaps them
 * for sentinel strings that a reviver turns back into numbers, so the rest is the engine's fast, strict parser.
 * Nesting deeper than `PYTHON_JSON_MAX_DEPTH` is refused before parsing.
 */
export function parsePythonJson(text: string): Result<unknown, PythonJsonError> {
  let out = "";
  let last = 0;
  let inString = false;
  let depth = 0;
  for (let at = 0; at < text.length; at++) {
    const char = text[at];
    if (inString) {
      if (char === "\\") at++;
      else if (char === '"') inString = false;
      continue;
    }
    if (char === '"') inString = true;
    else if (char === "[" || char === "{") {
      depth += 1;
      if (depth > PYTHON_JSON_MAX_DEPTH)
        return fail({ code: "too-deep", message: `nested deeper than ${PYTHON_JSON_MAX_DEPTH} levels` });
    } else if (char === "]" || char === "}") depth -= 1;
    const token = char === "N" ? "NaN" : char === "I" ? "Infinity" : char === "-" ? "-Infinity" : undefined;
    if (token !== undefined && text.startsWith(token, at)) {
      out += `${text.slice(last, at)}"${SENTINEL_SOURCE}${token}"`;
      at += token.length - 1;
      last = at + 1;
    }
  }
  try {
    return ok(JSON.parse(out + text.slice(last), reviveNonFinite));
  } catch (error) {
    return fail({ code: "syntax", message: error instanceof Error ? error.message : String(error) });
  }
}

function reviveNonFinite(_key: string, value: unknown): unknown {
  if (typeof value !== "string" || !value.startsWith(SENTINEL)) return value;
  const token = value.slice(SENTINEL.length);
  return token in NON_FINITE ? NON_FINITE[token as keyof typeof NON_FINITE] : value;
}
