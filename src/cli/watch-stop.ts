import { AppError } from "../core/errors/app-error.ts";
import type { CatalogLocation } from "../io/catalog/catalog-location.ts";
import type { Logger } from "../io/process/logger.ts";

/** The error of a second watcher for one catalog, naming the first. */
export function busyError(location: CatalogLocation, pid: number | undefined): AppError {
  const who = pid === undefined ? "another ckpt watch" : `ckpt watch (pid ${pid})`;
  return new AppError(
    "daemon-running",
    `watch: ${who} already keeps ${location.path} current; stop it with 'ckpt stop', or pass another --catalog`,
  );
}

/** SIGTERM, SIGINT and `ckpt stop` lead here; the first is logged when taken up, so a stop's length is in the log. */
export function stopRequest(logger: Logger): {
  stopRequested: Promise<void>;
  requestStop: (reason: string) => void;
} {
  let stop: () => void = () => {};
  const stopRequested = new Promise<void>((resolve) => {
    stop = resolve;
  });
  let asked = false;
  const requestStop = (reason: string) => {
    if (!asked) logger.log("info", "stopping", { reason });
    asked = true;
    stop();
  };
  return { stopRequested, requestStop };
}
