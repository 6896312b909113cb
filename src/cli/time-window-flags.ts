import { type ModifiedWindow, parseModifiedWindow } from "../core/catalog/modified-window.ts";
import { AppError } from "../core/errors/app-error.ts";
import type { CommandContext } from "./command.ts";

/** `--since`/`--until` of `ls`, `best` and `stats`. */
export const TIME_WINDOW_FLAGS = {
  since: { type: "string" },
  until: { type: "string" },
} as const;

export const TIME_WINDOW_USAGE = `  --since WHEN      only checkpoints modified (file mtime) at or after WHEN: a duration back from now
                    (30m, 12h, 7d, 2w), a date (2026-11-20, local midnight) or a time (2026-11-20T14:30,
                    2026-11-20T14:30:00Z)
  --until WHEN      only checkpoints modified before WHEN (same forms)`;

/** The window of `--since`/`--until`, on the command's clock and the local time zone; a typo is a usage error. */
export function parseTimeWindowFlags(
  command: string,
  values: { readonly since?: string | undefined; readonly until?: string | undefined },
  context: CommandContext,
): ModifiedWindow {
  const parsed = parseModifiedWindow(values, {
    now: context.now(),
    localTime: (time) =>
      new Date(
        time.year,
        time.month - 1,
        time.day,
        time.hour,
        time.minute,
        time.second,
        time.millisecond,
      ).getTime(),
  });
  if (!parsed.success) throw new AppError("usage", `${command}: ${parsed.error}`);
  return parsed.data;
}
