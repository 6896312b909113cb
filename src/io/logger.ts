import type { TextSink } from "../cli/command.ts";

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

function renderText(level: LogLevel, time: string, message: string, fields: LogFields): string {
  const extras = Object.entries(fields)
    .filter(([, value]) => value !== undefined)
    .map(
      ([key, value]) =>
        `${key}=${typeof value === "string" && /\s/.test(value) ? JSON.stringify(value) : value}`,
    );
  const tag = level === "info" ? "" : ` ${level.toUpperCase()}`;
  return `${time}${tag} ${message}${extras.length > 0 ? ` ${extras.join(" ")}` : ""}\n`;
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
          ? `${JSON.stringify({ ts: time, level, msg: message, ...fields })}\n`
          : renderText(level, time, message, fields);
      options.sink.write(line);
    },
  };
}
