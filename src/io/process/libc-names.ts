/**
 * The C library's file name on each platform ckpt ships for (glibc, musl on x86_64 and aarch64, macOS), with the
 * symbol that gives the calling thread's `errno`; bun:ffi callers try them in order, and the first that opens wins.
 */
export const LIBC_NAMES = [
  { name: "libc.so.6", errno: "__errno_location" },
  { name: "libc.musl-x86_64.so.1", errno: "__errno_location" },
  { name: "libc.musl-aarch64.so.1", errno: "__errno_location" },
  { name: "libSystem.B.dylib", errno: "__error" },
] as const;

export type LibcName = (typeof LIBC_NAMES)[number];
