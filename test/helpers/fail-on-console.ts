// Stray console output in tests hides real output and usually means a layer is printing where it should return.
import { afterEach } from "bun:test";

const methods = ["log", "info", "warn", "error", "debug"] as const;
const calls: string[] = [];

for (const method of methods) {
  console[method] = (...args: unknown[]) => {
    calls.push(`console.${method}: ${args.map(String).join(" ")}`);
  };
}

afterEach(() => {
  if (calls.length > 0) {
    const seen = calls.splice(0, calls.length);
    throw new Error(`test wrote to the console:\n${seen.join("\n")}`);
  }
});
