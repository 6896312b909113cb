import type { CallbackKeyConfig } from "../checkpoint/checkpoint-report-parts.ts";

// One `'name': value` pair of a Python dict repr; values are str, None, bools, numbers or a timedelta call.
const PAIR =
  /'([^']+)': ('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|None|True|False|-?\d+(?:\.\d+)?|[\w.]+\([^)]*\))/g;

function pyLiteral(text: string): string | number | boolean | null {
  if (text === "None") return null;
  if (text === "True" || text === "False") return text === "True";
  if (/^-?\d+(\.\d+)?$/.test(text)) return Number(text);
  if (text.startsWith("'") || text.startsWith('"')) return text.slice(1, -1).replace(/\\(.)/g, "$1");
  return text;
}

/**
 * Parses a Lightning callback state key, `ModelCheckpoint{'monitor': 'val/loss', 'mode': 'min', …}`
 * (`Callback._generate_state_key`: qualname + repr of the kwargs). Undefined for keys without that shape.
 */
export function parseCallbackKey(key: string): CallbackKeyConfig | undefined {
  const brace = key.indexOf("{");
  if (brace <= 0 || !key.endsWith("}")) return undefined;
  const values: Record<string, string | number | boolean | null> = {};
  for (const match of key.slice(brace).matchAll(PAIR)) values[match[1] ?? ""] = pyLiteral(match[2] ?? "");
  const text = (name: string) =>
    typeof values[name] === "string" || values[name] === null ? values[name] : undefined;
  const int = (name: string) =>
    typeof values[name] === "number" || values[name] === null ? values[name] : undefined;
  const out: CallbackKeyConfig = { key, class_name: key.slice(0, brace) };
  const monitor = text("monitor");
  if (monitor !== undefined) out.monitor = monitor;
  const mode = values["mode"];
  if (typeof mode === "string") out.mode = mode;
  for (const name of ["every_n_train_steps", "every_n_epochs"] as const) {
    const value = int(name);
    if (value !== undefined) out[name] = value;
  }
  const interval = text("train_time_interval");
  if (interval !== undefined) out.train_time_interval = interval;
  const onEpochEnd = values["save_on_train_epoch_end"];
  if (typeof onEpochEnd === "boolean" || onEpochEnd === null) out.save_on_train_epoch_end = onEpochEnd;
  return out;
}
