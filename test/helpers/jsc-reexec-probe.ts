// Run by test/io/process/jsc-options-reexec.test.ts: says its pid on stderr, restarts itself with
// BUN_JSC_useFTLJIT=0 when that is not set, then prints what the process that goes on sees.
import { readFileSync, writeSync } from "node:fs";
import { reexecWithJscOptions } from "../../src/io/process/jsc-options-reexec.ts";
import { splitCommandLine } from "../../src/io/process/raw-argv.ts";

writeSync(2, `started ${process.pid}\n`);
reexecWithJscOptions({ useFTLJIT: "0" }, process.env);
/** The last argument's bytes as the kernel holds them (null without /proc). */
function lastArgumentHex(): string | null {
  try {
    return splitCommandLine(readFileSync("/proc/self/cmdline")).at(-1)?.toString("hex") ?? null;
  } catch {
    return null;
  }
}

writeSync(
  1,
  JSON.stringify({
    pid: process.pid,
    useFTLJIT: process.env["BUN_JSC_useFTLJIT"] ?? null,
    lastArgumentHex: lastArgumentHex(),
  }),
);
