import { existsSync } from "node:fs";
import { isS3Url } from "../core/object-store/s3-url.ts";
import { checkStateDirectory } from "../io/fs/state-directory.ts";
import type { Logger } from "../io/process/logger.ts";
import {
  type ControlAnswer,
  type ControlHandlers,
  type ControlServer,
  startControlServer,
} from "./control-socket.ts";
import type { DaemonLoop } from "./daemon-loop.ts";
import { RootRequestBody, ScanRequestBody } from "./root-scan.ts";

/** What `ckpt watch` serves on its socket, and what it does on SIGHUP. */
export type DaemonControl = {
  readonly handlers: ControlHandlers;
  /** SIGHUP: re-read the roots (the command line's plus those added since, less those removed) and reconcile. */
  hangUp(): Promise<string>;
};

function refusal(message: string): ControlAnswer {
  return { ok: false, message };
}

function badBody(command: string, problem: { message: string }): ControlAnswer {
  return refusal(
    `${command}: the request does not fit (${problem.message}); is the client another ckpt version?`,
  );
}

/** SIGHUP re-reads the roots: one that vanished is dropped (and said so), one that came back is watched again. */
function rootsStillThere(roots: readonly string[], logger: Logger): string[] {
  const present = roots.filter((root) => existsSync(root));
  for (const root of roots)
    if (!present.includes(root))
      logger.log("warn", "root is gone; not watching it until it is back", { path: root });
  return present;
}

type RootCommands = Pick<ControlHandlers["commands"], "add-root" | "remove-root">;

/** `add-root`/`remove-root`, keeping `configured` (the roots SIGHUP re-reads) in step with the loop's. */
function rootCommands(loop: DaemonLoop, configured: string[]): RootCommands {
  const forget = (root: string) =>
    configured.splice(0, configured.length, ...configured.filter((r) => r !== root));
  return {
    "add-root": async (body) => {
      const request = RootRequestBody.safeParse(body);
      if (!request.success) return badBody("add-root", request.error);
      const { root } = request.data;
      const added = await loop.addRoot(root);
      if (!added.success) return refusal(added.error);
      if (!configured.includes(root)) configured.push(root);
      return { ok: true, message: `watching ${root}`, data: added.data };
    },
    "remove-root": async (body) => {
      const request = RootRequestBody.safeParse(body);
      if (!request.success) return badBody("remove-root", request.error);
      const { root } = request.data;
      if (configured.includes(root) && !loop.status().roots.includes(root)) {
        forget(root);
        return `${root} was gone already; it is not watched again when it comes back`;
      }
      const removed = await loop.removeRoot(root);
      if (!removed.success) return refusal(removed.error);
      forget(root);
      return removed.data;
    },
  };
}

/**
 * The control socket's handlers over a running loop. `--add`/`--remove` change the roots until the daemon stops
 * (a SIGHUP keeps them); a restart takes the roots of its command line, so add DIR there to keep it.
 */
export function createDaemonControl(options: {
  readonly loop: DaemonLoop;
  readonly roots: readonly string[];
  readonly logger: Logger;
  /** `ckpt stop`: start the shutdown and say so, or refuse (the TUI's watcher ends with the TUI). */
  readonly stop: () => ControlAnswer;
}): DaemonControl {
  const { loop, logger } = options;
  const configured = [...options.roots];
  const handlers: ControlHandlers = {
    status: () => loop.status(),
    commands: {
      stop: () => options.stop(),
      reload: () => loop.reload(),
      rescan: () => loop.rescan(),
      scan: async (body) => {
        const request = ScanRequestBody.safeParse(body);
        if (!request.success) return badBody("scan", request.error);
        if (request.data.roots.some(isS3Url))
          return refusal("it watches directories and cannot scan s3:// prefixes");
        const result = await loop.scan(request.data);
        return { ok: true, message: `scanned ${request.data.roots.join(", ")}`, data: result };
      },
      ...rootCommands(loop, configured),
    },
  };
  return { handlers, hangUp: () => loop.reload(rootsStillThere(configured, logger)) };
}

/**
 * Serves `control` on the catalog's socket (in a private runtime directory). Without one, `ckpt status` and
 * `ckpt stop` fall back to the lock's pid and nobody can ask for scans: logged, not fatal.
 */
export async function serveDaemonControl(options: {
  readonly control: DaemonControl;
  readonly paths: { readonly runtimeDir: string; readonly socketPath: string };
  readonly uid: number;
  readonly logger: Logger;
}): Promise<ControlServer | null> {
  const { paths } = options;
  const dir = checkStateDirectory(paths.runtimeDir, { uid: options.uid });
  const server = dir.success
    ? await startControlServer({ socketPath: paths.socketPath, handlers: options.control.handlers })
    : dir;
  if (server.success) return server.data;
  options.logger.log("warn", "no control socket; 'ckpt status' and 'ckpt stop' fall back to the pid", {
    cause: server.error.message,
  });
  return null;
}
