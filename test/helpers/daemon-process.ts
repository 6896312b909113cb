// Test-only: `ckpt watch` (from source) as a real child process with JSON logs, and the CLI beside it.
import { Database } from "bun:sqlite";
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Subprocess } from "bun";
import { checkCatalog } from "../../src/io/catalog/catalog-db.ts";
import { waitFor } from "./wait-for.ts";

const repoRoot = resolve(import.meta.dir, "../..");
const mainScript = join(repoRoot, "src/main.ts");

/** One JSON log line of the daemon. */
export type LogLine = { readonly ts: string; readonly level: string; readonly msg: string } & Record<
  string,
  unknown
>;

export type DaemonEnvironment = {
  /** XDG dirs and HOME live here, so the socket and log are the test's own. */
  readonly home: string;
  readonly catalog: string;
  /** Prefix such as `setpriv --reuid=65534 …` to run as another user. */
  readonly asUser?: readonly string[];
};

export type DaemonProcess = {
  readonly process: Subprocess<"ignore", "pipe", "pipe">;
  readonly pid: number;
  readonly lines: LogLine[];
  /** stderr lines that are not JSON (a crash would show here). */
  readonly other: string[];
  stdout(): string;
  waitForLog(match: (line: LogLine) => boolean, what: string, timeoutMs?: number): Promise<LogLine>;
};

export function daemonEnv(environment: DaemonEnvironment): Record<string, string> {
  return {
    PATH: process.env["PATH"] ?? "/usr/bin:/bin",
    HOME: environment.home,
    XDG_RUNTIME_DIR: join(environment.home, "rt"),
    XDG_STATE_HOME: join(environment.home, "state"),
  };
}

async function collectLines(
  stream: ReadableStream<Uint8Array>,
  onLine: (line: string) => void,
): Promise<void> {
  const decoder = new TextDecoder();
  let pending = "";
  for await (const chunk of stream) {
    pending += decoder.decode(chunk, { stream: true });
    const parts = pending.split("\n");
    pending = parts.pop() ?? "";
    for (const part of parts) onLine(part);
  }
  if (pending !== "") onLine(pending);
}

/** Starts `ckpt watch ROOTS --catalog … --log-format json` and returns as soon as it is spawned. */
export function startDaemon(
  environment: DaemonEnvironment,
  roots: readonly string[],
  extraArgs: readonly string[] = [],
): DaemonProcess {
  const argv = ["watch", ...roots, "--catalog", environment.catalog, "--log-format", "json", ...extraArgs];
  const child = Bun.spawn([...(environment.asUser ?? []), process.execPath, mainScript, ...argv], {
    env: daemonEnv(environment),
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
  const lines: LogLine[] = [];
  const other: string[] = [];
  let out = "";
  void collectLines(child.stderr, (line) => {
    try {
      lines.push(JSON.parse(line) as LogLine);
    } catch {
      other.push(line);
    }
  });
  void collectLines(child.stdout, (line) => {
    out += `${line}\n`;
  });
  return {
    process: child,
    pid: child.pid,
    lines,
    other,
    stdout: () => out,
    waitForLog: (match, what, timeoutMs = 30_000) =>
      waitFor(() => lines.find(match), { what: `${what} (log so far: ${other.join(" | ")})`, timeoutMs }),
  };
}

/** Started and caught up: events are live and the start-up reconcile is done. */
export async function startDaemonReady(
  environment: DaemonEnvironment,
  roots: readonly string[],
  extraArgs: readonly string[] = [],
): Promise<DaemonProcess> {
  const daemon = startDaemon(environment, roots, extraArgs);
  await daemon.waitForLog(
    (line) => line.msg === "reconciled" && line["reason"] === "start",
    "start-up reconcile",
  );
  return daemon;
}

export type CliResult = { readonly exitCode: number; readonly stdout: string; readonly stderr: string };

/** Runs a ckpt command from source with the test's environment. */
export async function runCkpt(environment: DaemonEnvironment, argv: readonly string[]): Promise<CliResult> {
  const child = Bun.spawn([...(environment.asUser ?? []), process.execPath, mainScript, ...argv], {
    env: daemonEnv(environment),
    stdout: "pipe",
    stderr: "pipe",
  });
  const [stdout, stderr, exitCode] = await Promise.all([
    new Response(child.stdout).text(),
    new Response(child.stderr).text(),
    child.exited,
  ]);
  return { exitCode, stdout, stderr };
}

/**
 * Runs `query` against a read-only connection to the catalog (null while it does not exist yet). Opened directly,
 * not through ckpt's reader: a test running as root looks into the catalog of the user its daemon runs as, which
 * ckpt itself rightly refuses.
 */
export function withCatalog<T>(path: string, query: (database: Database) => T): T | null {
  if (!existsSync(path)) return null;
  let database: Database;
  try {
    database = new Database(path, { readonly: true, strict: true });
  } catch {
    return null;
  }
  if (!checkCatalog(database, path).success) {
    database.close();
    return null;
  }
  try {
    return query(database);
  } finally {
    database.close();
  }
}
