import { dlopen, FFIType, read } from "bun:ffi";

/** `flock(2)` operations. */
export const FLOCK = { shared: 1, exclusive: 2, nonBlocking: 4, unlock: 8 } as const;

export type FlockResult = { readonly ok: true } | { readonly ok: false; readonly errno: number };
export type Flock = (fd: number, operation: number) => FlockResult;

const EINTR = 4;

// glibc, musl (x86_64 and aarch64) and macOS name libc differently; the first one that opens wins.
const LIBRARIES = [
  { name: "libc.so.6", errno: "__errno_location" },
  { name: "libc.musl-x86_64.so.1", errno: "__errno_location" },
  { name: "libc.musl-aarch64.so.1", errno: "__errno_location" },
  { name: "libSystem.B.dylib", errno: "__error" },
] as const;

function open(library: (typeof LIBRARIES)[number]): Flock {
  const { symbols } = dlopen(library.name, {
    flock: { args: [FFIType.i32, FFIType.i32], returns: FFIType.i32 },
    [library.errno]: { args: [], returns: FFIType.ptr },
  });
  const errnoLocation = symbols[library.errno];
  return (fd, operation) => {
    for (;;) {
      if (symbols.flock(fd, operation) === 0) return { ok: true };
      const pointer = errnoLocation?.();
      const errno = pointer ? read.i32(pointer, 0) : -1;
      if (errno !== EINTR) return { ok: false, errno };
    }
  };
}

let loaded: Flock | null | undefined;

/** `flock(2)` through bun:ffi, or null where libc cannot be opened (then callers use the lock-file fallback). */
export function loadFlock(): Flock | null {
  if (loaded !== undefined) return loaded;
  loaded = null;
  for (const library of LIBRARIES) {
    try {
      loaded = open(library);
      break;
    } catch {
      // Not this platform's libc; try the next name.
    }
  }
  return loaded;
}
