import { chmodSync, lstatSync, unlinkSync } from "node:fs";
import { z } from "zod";
import { errorCodeOf } from "../core/errors/error-code.ts";
import { fail, ok, type Result } from "../core/result.ts";

/** Commands the control socket accepts besides `GET /status`. */
export const CONTROL_COMMANDS = ["stop", "reload", "rescan", "scan", "add-root", "remove-root"] as const;
export type ControlCommand = (typeof CONTROL_COMMANDS)[number];

/** Commands that answer when their work is done, which can take minutes: no timeout on either side. */
const SLOW_COMMANDS: readonly ControlCommand[] = ["scan", "add-root"];

/** The body of every `POST /<command>` answer; `ok: false` is a refusal the client shows as it is. */
export const ControlReply = z.object({ ok: z.boolean(), message: z.string(), data: z.unknown().optional() });
export type ControlReply = z.infer<typeof ControlReply>;

/** A handler's answer: a message (done), or a whole reply (a refusal, or a result with data). */
export type ControlAnswer = string | ControlReply;

export type ControlHandlers = {
  /** JSON-serialisable status (the `ckpt status` schema lives with that command). */
  readonly status: () => unknown;
  /**
   * `stop` starts the graceful shutdown and does not wait for it (the server answers first and is closed by that
   * shutdown), `reload`/`rescan`/`remove-root` schedule their work, `scan`/`add-root` answer when it is done.
   * `body` is the request's JSON (undefined without one); handlers validate it.
   */
  readonly commands: Readonly<
    Record<ControlCommand, (body: unknown) => ControlAnswer | Promise<ControlAnswer>>
  >;
};

export type ControlServer = {
  readonly socketPath: string;
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
};

export type ControlSocketError = {
  readonly code: "already-running" | "not-a-socket" | "listen-failed";
  readonly message: string;
};

export type ControlClientError = {
  readonly code: "not-running" | "timeout" | "bad-response" | "failed";
  readonly message: string;
};

const ORIGIN = "http://ckpt";
/** `ckpt status`/`stop` must answer fast even when the daemon is wedged. @default 2000 */
const DEFAULT_TIMEOUT_MS = 2000;

async function bodyOf(request: Request): Promise<{ readonly json: unknown } | null> {
  const text = await request.text();
  if (text === "") return { json: undefined };
  try {
    return { json: JSON.parse(text) };
  } catch {
    return null;
  }
}

async function route(request: Request, handlers: ControlHandlers): Promise<Response> {
  const { pathname } = new URL(request.url);
  if (pathname === "/status" && request.method === "GET") return Response.json(handlers.status());
  const command = CONTROL_COMMANDS.find((name) => pathname === `/${name}`);
  if (command === undefined)
    return Response.json(
      { ok: false, message: `unknown endpoint ${request.method} ${pathname}` },
      { status: 404 },
    );
  if (request.method !== "POST")
    return Response.json({ ok: false, message: `use POST /${command}` }, { status: 405 });
  const body = await bodyOf(request);
  if (body === null)
    return Response.json({ ok: false, message: `POST /${command}: the body is not JSON` }, { status: 400 });
  try {
    const answer = await handlers.commands[command](body.json);
    const reply: ControlReply = typeof answer === "string" ? { ok: true, message: answer } : answer;
    return Response.json(reply);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return Response.json({ ok: false, message } satisfies ControlReply, { status: 500 });
  }
}

/** A socket file with no listener (a daemon killed with -9) is replaced; a live one means another daemon. */
async function clearStaleSocket(socketPath: string): Promise<Result<void, ControlSocketError>> {
  let isSocket: boolean;
  try {
    isSocket = lstatSync(socketPath).isSocket();
  } catch {
    return ok(undefined);
  }
  if (!isSocket)
    return fail({
      code: "not-a-socket",
      message: `${socketPath} exists and is not a socket; ckpt will not delete it — move it away`,
    });
  const probe = await requestControl({ socketPath, request: "status", timeoutMs: 500 });
  if (probe.success || probe.error.code === "timeout")
    return fail({
      code: "already-running",
      message: `a ckpt daemon already answers on ${socketPath}; stop it with \`ckpt stop\` first`,
    });
  unlinkSync(socketPath);
  return ok(undefined);
}

/** How long closing the server waits for replies in flight. */
const CLOSE_GRACE_MS = 500;

/**
 * HTTP over a unix socket (`Bun.serve({ unix })`), never TCP: GPU boxes are shared. Serves `GET /status` and
 * `POST /stop|/reload|/rescan`. The socket's directory must already be checked (`checkStateDirectory`).
 */
export async function startControlServer(options: {
  readonly socketPath: string;
  readonly handlers: ControlHandlers;
}): Promise<Result<ControlServer, ControlSocketError>> {
  const { socketPath, handlers } = options;
  const cleared = await clearStaleSocket(socketPath);
  if (!cleared.success) return cleared;
  let server: ReturnType<typeof Bun.serve>;
  try {
    // No idle timeout: a `scan` answers when it is done, which can take minutes (only local clients connect).
    // Bun honours `idleTimeout` on a unix socket; its types allow it only with a port, hence the cast.
    const options = {
      unix: socketPath,
      idleTimeout: 0,
      fetch: (request: Request) => route(request, handlers),
    };
    server = Bun.serve(options as unknown as Bun.Serve.Options<unknown>);
    chmodSync(socketPath, 0o600);
  } catch (error) {
    const code = errorCodeOf(error) ?? "unknown";
    return fail({ code: "listen-failed", message: `cannot listen on ${socketPath} (${code})` });
  }
  const close = async () => {
    // Replies on their way out (`ckpt stop`'s own "stopping") are let through; a connection still open then is cut.
    await Promise.race([server.stop(false), Bun.sleep(CLOSE_GRACE_MS)]);
    await server.stop(true);
  };
  return ok({ socketPath, close, [Symbol.asyncDispose]: close });
}

export type ControlRequest = {
  readonly socketPath: string;
  readonly request: "status" | ControlCommand;
  /** Sent as JSON. */
  readonly body?: unknown;
  /** @default 2000; `scan` and `add-root` wait as long as their work takes */
  readonly timeoutMs?: number;
};

/** The client side for `ckpt status` / `ckpt stop` / `ckpt scan`: one request, errors as values. */
export async function requestControl(options: ControlRequest): Promise<Result<unknown, ControlClientError>> {
  const { socketPath, request } = options;
  const slow = options.timeoutMs === undefined && SLOW_COMMANDS.some((command) => command === request);
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  try {
    const response = await fetch(`${ORIGIN}/${request}`, {
      unix: socketPath,
      method: request === "status" ? "GET" : "POST",
      ...(options.body === undefined
        ? {}
        : { body: JSON.stringify(options.body), headers: { "content-type": "application/json" } }),
      ...(slow ? { timeout: false } : { signal: AbortSignal.timeout(timeoutMs) }),
    });
    const text = await response.text();
    try {
      return ok(JSON.parse(text));
    } catch {
      return fail({
        code: "bad-response",
        message: `${socketPath} answered ${response.status} without JSON`,
      });
    }
  } catch (error) {
    return fail(clientError(socketPath, error, timeoutMs));
  }
}

function clientError(socketPath: string, error: unknown, timeoutMs: number): ControlClientError {
  const code = errorCodeOf(error) ?? "";
  if (code === "ENOENT" || code === "ECONNREFUSED")
    return { code: "not-running", message: `no ckpt daemon is listening on ${socketPath}` };
  if (error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError"))
    return {
      code: "timeout",
      message: `the daemon on ${socketPath} did not answer within ${timeoutMs} ms; it may be busy or stuck`,
    };
  const cause = error instanceof Error ? error.message : String(error);
  return { code: "failed", message: `cannot reach the daemon on ${socketPath} (${cause})` };
}

/** `POST /<command>` with the reply validated: `ckpt stop` and friends; a refusal is `ok: false` in the data. */
export async function sendControlCommand(
  options: ControlRequest & { readonly request: ControlCommand },
): Promise<Result<ControlReply, ControlClientError>> {
  const answered = await requestControl(options);
  if (!answered.success) return answered;
  const reply = ControlReply.safeParse(answered.data);
  if (reply.success) return ok(reply.data);
  return fail({
    code: "bad-response",
    message: `${options.socketPath} answered /${options.request} with an unexpected shape; is it a ckpt of another version?`,
  });
}
