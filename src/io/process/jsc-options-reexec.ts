import { dlopen, FFIType, ptr } from "bun:ffi";
import { readFileSync } from "node:fs";
import { LIBC_NAMES } from "./libc-names.ts";
import { splitCommandLine } from "./raw-argv.ts";

/** JavaScriptCore reads its options from `BUN_JSC_<name>` variables once, when the runtime starts. */
const JSC_OPTION_PREFIX = "BUN_JSC_";

/** Arguments are NUL-terminated strings and a NULL-terminated array of pointers to them, passed as typed arrays. */
type ExecLibc = {
  readonly setenv: (name: Uint8Array, value: Uint8Array, overwrite: number) => number;
  readonly unsetenv: (name: Uint8Array) => number;
  readonly execv: (path: Uint8Array, argv: BigUint64Array) => number;
};

function openExecLibc(): ExecLibc | null {
  for (const library of LIBC_NAMES) {
    try {
      const { symbols } = dlopen(library.name, {
        setenv: { args: [FFIType.ptr, FFIType.ptr, FFIType.i32], returns: FFIType.i32 },
        unsetenv: { args: [FFIType.ptr], returns: FFIType.i32 },
        execv: { args: [FFIType.ptr, FFIType.ptr], returns: FFIType.i32 },
      });
      return {
        setenv: (name, value, overwrite) => symbols.setenv(name, value, overwrite),
        unsetenv: (name) => symbols.unsetenv(name),
        execv: (path, argv) => symbols.execv(path, argv),
      };
    } catch {
      // Not this platform's libc; try the next name.
    }
  }
  return null;
}

/** A NUL-terminated copy of `bytes`, for C. */
function cString(bytes: string | Uint8Array): Buffer {
  const body = typeof bytes === "string" ? Buffer.from(bytes) : bytes;
  const copy = Buffer.alloc(body.length + 1);
  copy.set(body);
  return copy;
}

/**
 * Restarts this process in place (execv(2) of /proc/self/exe: same pid, descriptors, arguments byte for byte)
 * with the JavaScriptCore options that are not yet set in `env`, which JSC only reads at start-up. Returns only
 * when it did not restart: every option is already set (the user's own choice, or this is the restarted process),
 * the platform has no /proc (macOS) or no libc to call, or execv failed; the process then goes on as it is.
 * Call it before anything is written or read: nothing survives the exec but the process's descriptors.
 */
export function reexecWithJscOptions(
  options: Readonly<Record<string, string>>,
  env: Readonly<Record<string, string | undefined>>,
): void {
  const missing = Object.entries(options).filter(([name]) => env[JSC_OPTION_PREFIX + name] === undefined);
  if (missing.length === 0) return;
  let argv: Buffer[];
  try {
    argv = splitCommandLine(readFileSync("/proc/self/cmdline")).map(cString);
  } catch {
    return;
  }
  const libc = openExecLibc();
  if (libc === null || argv.length === 0) return;
  const pointers = new BigUint64Array(argv.length + 1);
  argv.forEach((argument, index) => {
    pointers[index] = BigInt(ptr(argument));
  });
  const variables = missing.map(
    ([name, value]) => [cString(JSC_OPTION_PREFIX + name), cString(value)] as const,
  );
  for (const [name, value] of variables) libc.setenv(name, value, 1);
  libc.execv(cString("/proc/self/exe"), pointers);
  // Still here: the exec failed. The variables would mislead this process's children, so they go.
  for (const [name] of variables) libc.unsetenv(name);
}
