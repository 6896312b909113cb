import { isS3Url } from "../core/object-store/s3-url.ts";
import { scanS3Roots } from "../io/object-store/s3-catalog-scan.ts";
import type { S3Session } from "../io/object-store/s3-session.ts";
import type { Logger } from "../io/process/logger.ts";
import type { ControlAnswer, ControlHandlers, ControlServer } from "./control-socket.ts";
import { serveDaemonControl } from "./daemon-control.ts";
import { RootRequestBody, type RootScanResult, ScanRequestBody } from "./root-scan.ts";
import type { S3PrefixWatch } from "./s3-prefix-watch.ts";

function refusal(message: string): ControlAnswer {
  return { ok: false, message };
}

function badBody(command: string, problem: { message: string }): ControlAnswer {
  return refusal(
    `${command}: the request does not fit (${problem.message}); is the client another ckpt version?`,
  );
}

/** Lists every prefix in the background; the answer says it started. */
function listInBackground(watch: S3PrefixWatch): string {
  watch.listNow().catch(() => undefined);
  return "listing every s3:// prefix now";
}

/** `ckpt scan s3://…` (or `ls`) of a prefix this watch does not poll: scanned once through its catalog connection. */
async function scanObjects(
  options: { watch: S3PrefixWatch; session: S3Session; now: () => number },
  body: unknown,
): Promise<ControlAnswer> {
  const { watch, session, now } = options;
  const request = ScanRequestBody.safeParse(body);
  if (!request.success) return badBody("scan", request.error);
  const { roots, sidecars } = request.data;
  const local = roots.filter((root) => !isS3Url(root));
  if (local.length > 0)
    return refusal(
      `this ckpt watch lists s3:// prefixes and does not scan directories (${local.join(", ")}); stop it with 'ckpt stop', or pass another --catalog`,
    );
  const warnings: string[] = [];
  const summary = await watch.withCatalog((database) =>
    scanS3Roots(database, {
      roots,
      session,
      sidecars,
      now,
      onWarning: (message) => warnings.push(message),
    }),
  );
  const data: RootScanResult = { summary, warnings };
  return { ok: true, message: `scanned ${roots.join(", ")}`, data };
}

/** What `ckpt watch s3://…` serves on the catalog's control socket: what the directory watcher serves. */
export function createS3WatchControl(options: {
  readonly watch: S3PrefixWatch;
  readonly session: S3Session;
  readonly now: () => number;
  /** `ckpt stop`: start the shutdown and say so, or refuse (the TUI's watcher ends with the TUI). */
  readonly stop: () => ControlAnswer;
}): ControlHandlers {
  const { watch } = options;
  return {
    status: () => watch.status(),
    commands: {
      stop: () => options.stop(),
      reload: () => listInBackground(watch),
      rescan: () => listInBackground(watch),
      scan: (body) => scanObjects(options, body),
      "add-root": async (body) => {
        const request = RootRequestBody.safeParse(body);
        if (!request.success) return badBody("add-root", request.error);
        const { root } = request.data;
        if (!isS3Url(root))
          return refusal(
            `this ckpt watch lists s3:// prefixes; ${root} is a directory: watch it with another --catalog`,
          );
        const added = await watch.addRoot(root);
        if (!added.success) return refusal(added.error);
        const data: RootScanResult | undefined =
          added.data === null ? undefined : { summary: added.data, warnings: [] };
        const message =
          added.data === null
            ? `watching ${root}; another host sharing the catalog polls it`
            : `watching ${root}`;
        return { ok: true, message, data };
      },
      "remove-root": async (body) => {
        const request = RootRequestBody.safeParse(body);
        if (!request.success) return badBody("remove-root", request.error);
        const removed = await watch.removeRoot(request.data.root);
        return removed.success ? removed.data : refusal(removed.error);
      },
    },
  };
}

/** Serves the watch on the catalog's socket (see `serveDaemonControl`); SIGHUP's work is a listing of every prefix. */
export function serveS3WatchControl(
  options: Parameters<typeof createS3WatchControl>[0] & {
    readonly paths: { readonly runtimeDir: string; readonly socketPath: string };
    readonly uid: number;
    readonly logger: Logger;
  },
): Promise<ControlServer | null> {
  const handlers = createS3WatchControl(options);
  return serveDaemonControl({
    control: { handlers, hangUp: () => options.watch.listNow() },
    paths: options.paths,
    uid: options.uid,
    logger: options.logger,
  });
}
