import { isTagged, type PyValue } from "./py-value.ts";

/** Python `repr(float)`: shortest round-trip digits, fixed notation for 1e-4 ≤ |x| < 1e16, `inf`/`nan`. */
export function pyFloatRepr(value: number): string {
  if (Number.isNaN(value)) return "nan";
  if (!Number.isFinite(value)) return value > 0 ? "inf" : "-inf";
  if (value === 0) return Object.is(value, -0) ? "-0.0" : "0.0";
  const [mantissa = "0", exponentText = "0"] = value.toExponential().split("e");
  const exponent = Number(exponentText);
  const negative = mantissa.startsWith("-");
  const digits = mantissa.replace("-", "").replace(".", "");
  const sign = negative ? "-" : "";
  const decimalPoint = exponent + 1;
  if (decimalPoint > -4 && decimalPoint <= 16) {
    if (decimalPoint <= 0) return `${sign}0.${"0".repeat(-decimalPoint)}${digits}`;
    if (decimalPoint >= digits.length) return `${sign}${digits}${"0".repeat(decimalPoint - digits.length)}.0`;
    return `${sign}${digits.slice(0, decimalPoint)}.${digits.slice(decimalPoint)}`;
  }
  const head = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
  const expSign = exponent < 0 ? "-" : "+";
  return `${sign}${head}e${expSign}${String(Math.abs(exponent)).padStart(2, "0")}`;
}

/** Python `repr(str)`: single quotes unless the text has `'` and no `"`. */
export function pyStringRepr(text: string): string {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of text) {
    const code = ch.codePointAt(0) ?? 0;
    if (ch === quote || ch === "\\") out += `\\${ch}`;
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, "0")}`;
    else out += ch;
  }
  return out + quote;
}

function bytesRepr(data: Uint8Array): string {
  let out = "b'";
  for (const byte of data) {
    if (byte === 0x27 || byte === 0x5c) out += `\\${String.fromCharCode(byte)}`;
    else if (byte >= 0x20 && byte < 0x7f) out += String.fromCharCode(byte);
    else out += `\\x${byte.toString(16).padStart(2, "0")}`;
  }
  return `${out}'`;
}

/** Python `str(cls)`: builtins drop their module. */
export function pyClassStr(module: string, name: string): string {
  return module === "builtins" ? `<class '${name}'>` : `<class '${module}.${name}'>`;
}

// Integral numbers print as ints: the reader cannot tell `1` from `1.0` once both are JS numbers.
function numberStr(value: number): string {
  return Number.isInteger(value) && Math.abs(value) < 1e16 ? String(value) : pyFloatRepr(value);
}

// A key's text is for display: shared tuples nest exponentially, so the text stops at this length.
const MAX_KEY_TEXT = 4096;

/** Python `repr(value)` for the hashable values that appear as dict keys. */
export function pyRepr(value: PyValue): string {
  return typeof value === "string" ? pyStringRepr(value) : pyStr(value);
}

/** Python `str(value)` for dict keys (`json.dumps` would reject tuple and class keys; `str()` does not). */
export function pyStr(value: PyValue): string {
  if (typeof value === "string") return value;
  const out = { text: "" };
  writeStr(value, { out, depth: 0 });
  return out.text.length > MAX_KEY_TEXT ? `${out.text.slice(0, MAX_KEY_TEXT)}...` : out.text;
}

type StrWriter = { readonly out: { text: string }; readonly depth: number };

function writeRepr(value: PyValue, writer: StrWriter): void {
  if (typeof value === "string") writer.out.text += pyStringRepr(value);
  else writeStr(value, writer);
}

function writeItems(items: readonly PyValue[], writer: StrWriter): void {
  const inner = { out: writer.out, depth: writer.depth + 1 };
  items.forEach((item, index) => {
    if (writer.out.text.length > MAX_KEY_TEXT) return;
    if (index > 0) writer.out.text += ", ";
    writeRepr(item, inner);
  });
}

function writeStr(value: PyValue, writer: StrWriter): void {
  const { out } = writer;
  if (value === null) out.text += "None";
  else if (typeof value === "boolean") out.text += value ? "True" : "False";
  else if (typeof value === "number") out.text += numberStr(value);
  else if (typeof value === "bigint") out.text += value.toString();
  else if (typeof value === "string") out.text += value;
  else if (writer.depth > 20 || out.text.length > MAX_KEY_TEXT) out.text += "...";
  else if (Array.isArray(value)) {
    out.text += "[";
    writeItems(value, writer);
    out.text += "]";
  } else if (isTagged(value) && value.kind === "tuple") {
    out.text += "(";
    writeItems(value.items, writer);
    out.text += value.items.length === 1 ? ",)" : ")";
  } else if (isTagged(value) && value.kind === "enum") {
    out.text += `${value.class.name}(`;
    writeRepr(value.value, { out, depth: writer.depth + 1 });
    out.text += ")";
  } else out.text += leafStr(value);
}

function leafStr(value: PyValue & object): string {
  if (!isTagged(value)) return String(value);
  switch (value.kind) {
    case "global":
      return pyClassStr(value.module, value.name);
    case "dtype":
      return `torch.${value.name}`;
    case "bytes":
      return bytesRepr(value.data.subarray(0, 256));
    default:
      return `<${value.kind}>`;
  }
}
