import type { TextSink } from "../../cli/command.ts";
import { escapeControl } from "../../core/text/escape-control.ts";

export const LOG_FORMATS = ["text", "json"] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];
export const LOG_LEVELS = ["debug", "info", "warn", "error"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Fields of one event; `path` names the file the event is about. */
export type LogFields = Readonly<Record<string, string | number | boolean | null | undefined>>;

export type Logger = {
  log(level: LogLevel, message: string, fields?: LogFields): void;
};

const LEVEL_ORDER: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

export type LoggerOptions = {
  readonly sink: TextSink;
  readonly format: LogFormat;
  readonly now: () => number;
  /** @default "info" */
  readonly minLevel?: LogLevel;
};

/**
 * A field's value in the text log. Paths and causes carry names from disk: control characters are escaped as
 * everywhere ckpt prints a name (`path=t\x1b]0;x\x07.ckpt`), so the log neither drives a terminal that shows it
 * nor splits a line; a value with spaces or quotes is quoted.
 */
function fieldText(value: string | number | boolean | null): string {
  if (typeof value !== "string") return String(value);
  const shown = escapeControl(value);
  return /[\s"]/.test(shown) ? `"${shown.replaceAll('"', '\\"')}"` : shown;
}

function renderText(level: LogLevel, time: string, message: string, fields: LogFields): string {
  const extras = Object.entries(fields).flatMap(([key, value]) =>
    value === undefined ? [] : [`${key}=${fieldText(value)}`],
  );
  const tag = level === "info" ? "" : ` ${level.toUpperCase()}`;
  return `${time}${tag} ${escapeControl(message)}${extras.length > 0 ? ` ${extras.join(" ")}` : ""}\n`;
}

/**
 * One JSON object per line. `JSON.stringify` escapes C0 controls but not DEL, the C1 controls (U+0080–U+009F,
 * CSI among them) nor the line separators; those get `\u` escapes too, so `tail -f` of the log is safe.
 */
function renderJson(record: Record<string, unknown>): string {
  const unicodeEscape = (character: string) => `\\u${character.charCodeAt(0).toString(16).padStart(4, "0")}`;
  return `${JSON.stringify(record).replace(/[\u007f-\u009f\u2028\u2029]/g, unicodeEscape)}\n`;
}

/** One line per event: human-readable by default, JSON Lines with `--log-format json`. */
export function createLogger(options: LoggerOptions): Logger {
  const minimum = LEVEL_ORDER[options.minLevel ?? "info"];
  return {
    log(level, message, fields = {}) {
      if (LEVEL_ORDER[level] < minimum) return;
      const time = new Date(options.now()).toISOString();
      const line =
        options.format === "json"
          ? renderJson({ ts: time, level, msg: message, ...fields })
          : renderText(level, time, message, fields);
      options.sink.write(line);
    },
  };
}
