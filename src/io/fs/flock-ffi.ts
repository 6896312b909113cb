import { dlopen, FFIType, read } from "bun:ffi";
import { LIBC_NAMES, type LibcName } from "../process/libc-names.ts";

/** `flock(2)` operations. */
export const FLOCK = { shared: 1, exclusive: 2, nonBlocking: 4, unlock: 8 } as const;

export type FlockResult = { readonly ok: true } | { readonly ok: false; readonly errno: number };
export type Flock = (fd: number, operation: number) => FlockResult;

const EINTR = 4;

function open(library: LibcName): Flock {
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
  for (const library of LIBC_NAMES) {
    try {
      loaded = open(library);
      break;
    } catch {
      // Not this platform's libc; try the next name.
    }
  }
  return loaded;
}
