// Test-only: runs a command in its own mount namespace where every mount is read-only except one directory, so a
// test that hands ckpt a `root_link -> /` cannot write outside its temp tree even if ckpt (or an old build of it,
// when the test is checked against one) walks the whole filesystem. Needs root with CAP_SYS_ADMIN.

const SCRIPT = `set -e
mount --bind "$CKPT_WRITABLE" "$CKPT_WRITABLE"
awk '{print $5}' /proc/self/mountinfo | while read -r point; do
  [ "$point" = "$CKPT_WRITABLE" ] || mount -o remount,bind,ro "$point" 2>/dev/null || true
done
exec "$@"`;

/** Whether this machine lets a test make such a namespace (root with CAP_SYS_ADMIN). */
export function canMakeReadOnlyWorld(): boolean {
  if (process.getuid?.() !== 0) return false;
  const probe = Bun.spawnSync(["unshare", "--mount", "--propagation", "private", "true"], {
    stderr: "ignore",
  });
  return probe.exitCode === 0;
}

/** `argv` prefixed so that it runs with only `writable` (an absolute, symlink-free path) writable. */
export function inReadOnlyWorld(
  argv: readonly string[],
  writable: string,
): { argv: string[]; env: Record<string, string> } {
  return {
    argv: ["unshare", "--mount", "--propagation", "private", "sh", "-c", SCRIPT, "sh", ...argv],
    env: { CKPT_WRITABLE: writable },
  };
}
