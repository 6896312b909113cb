import { fail, ok, type Result } from "../core/result.ts";

export type SystemdUnitOptions = {
  /** Absolute path of the ckpt binary (`process.execPath` of the compiled binary). */
  readonly binaryPath: string;
  /** Absolute directories to watch. */
  readonly roots: readonly string[];
  /** More `ckpt watch` flags, e.g. `["--catalog", "/var/tmp/ckpt-1000/catalog.db"]`. @default [] */
  readonly extraArgs?: readonly string[];
  /** @default 65536 */
  readonly limitNoFile?: number;
};

/** `ExecStart=` word: quoted when needed, with systemd's own escapes for `%` (specifiers) and `$` (variables). */
export function quoteSystemdArgument(word: string): string {
  const escaped = word.replaceAll("%", "%%").replaceAll("$", "$$$$");
  if (escaped !== "" && /^[A-Za-z0-9_@%+=:,./-]+$/.test(escaped)) return escaped;
  return `"${escaped.replaceAll("\\", "\\\\").replaceAll('"', '\\"')}"`;
}

/**
 * The text of `ckpt watch --print-systemd-unit`: a user unit (ux §5.5). `Type=exec` because Bun cannot send
 * `sd_notify`; `Nice=`/`IOSchedulingClass=` so the watcher never competes with training; logs go to journald.
 */
export function renderSystemdUnit(options: SystemdUnitOptions): Result<string, string> {
  const relative = [options.binaryPath, ...options.roots].find((path) => !path.startsWith("/"));
  if (relative !== undefined)
    return fail(
      `${relative}: systemd needs absolute paths; pass the full path (e.g. "$(realpath ${relative})")`,
    );
  if (options.roots.length === 0) return fail("no directories to watch; name at least one: ckpt watch DIR…");
  const words = [options.binaryPath, "watch", ...options.roots, ...(options.extraArgs ?? [])];
  return ok(
    [
      "# ckpt watcher as a systemd user service. Save as ~/.config/systemd/user/ckpt-watch.service, then:",
      "#   systemctl --user daemon-reload && systemctl --user enable --now ckpt-watch",
      "#   loginctl enable-linger $USER   # keep it running after you log out (may need an admin)",
      "#   journalctl --user -u ckpt-watch -f   # its log",
      "[Unit]",
      "Description=ckpt checkpoint catalog watcher",
      "",
      "[Service]",
      "Type=exec",
      `ExecStart=${words.map(quoteSystemdArgument).join(" ")}`,
      "ExecReload=/bin/kill -HUP $MAINPID",
      "Restart=on-failure",
      "RestartSec=5",
      "KillSignal=SIGTERM",
      "TimeoutStopSec=30",
      `LimitNOFILE=${options.limitNoFile ?? 65536}`,
      "Nice=10",
      "IOSchedulingClass=idle",
      "",
      "[Install]",
      "WantedBy=default.target",
      "",
    ].join("\n"),
  );
}
