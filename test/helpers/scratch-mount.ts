// Test-only: small real filesystems (a tmpfs, a bind mount made read-only) to fill up or freeze, as root.
import { closeSync, mkdirSync, mkdtempSync, openSync, rmdirSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export type ScratchMount = {
  readonly path: string;
  /** `mount -o remount,…` (e.g. `ro` or `rw` for a bind mount). */
  remount(options: string): void;
  [Symbol.dispose](): void;
};

function run(argv: readonly string[]): boolean {
  return Bun.spawnSync([...argv], { stdout: "ignore", stderr: "ignore" }).exitCode === 0;
}

function mounted(path: string, remountPrefix: string): ScratchMount {
  return {
    path,
    remount(options) {
      if (!run(["mount", "-o", `remount,${remountPrefix}${options}`, path]))
        throw new Error(`mount -o remount,${options} ${path} failed`);
    },
    [Symbol.dispose]() {
      run(["umount", "-l", path]);
    },
  };
}

/** A tmpfs of `sizeKb` at `path` (created), or null where this process may not mount. */
export function mountTmpfs(path: string, options: { sizeKb: number; mode?: number }): ScratchMount | null {
  mkdirSync(path, { recursive: true });
  const mode = (options.mode ?? 0o755).toString(8);
  const ok = run(["mount", "-t", "tmpfs", "-o", `size=${options.sizeKb}k,mode=${mode}`, "tmpfs", path]);
  return ok ? mounted(path, "") : null;
}

/** `source` bind-mounted at `target` (created), or null where this process may not mount. */
export function bindMount(source: string, target: string): ScratchMount | null {
  mkdirSync(target, { recursive: true });
  return run(["mount", "--bind", source, target]) ? mounted(target, "bind,") : null;
}

/** Whether this process can mount (root with CAP_SYS_ADMIN, mount(8) present): tests that need it skip otherwise. */
export function canMount(): boolean {
  const probe = mkdtempSync(join(tmpdir(), "ckpt-mount-probe-"));
  try {
    const mount = mountTmpfs(probe, { sizeKb: 64 });
    mount?.[Symbol.dispose]();
    return mount !== null;
  } finally {
    rmdirSync(probe);
  }
}

/** Writes `filler` until the filesystem holding it has no byte left; delete it to give the space back. */
export function fillFilesystem(filler: string): void {
  const fd = openSync(filler, "w");
  try {
    for (const chunk of [64 * 1024, 4096, 1]) {
      const bytes = new Uint8Array(chunk).fill(1);
      for (;;) {
        try {
          writeSync(fd, bytes);
        } catch {
          break;
        }
      }
    }
  } finally {
    closeSync(fd);
  }
}
