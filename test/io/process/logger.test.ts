import { describe, expect, test } from "bun:test";
import { createLogger, type LogFields, type LogFormat } from "../../../src/io/process/logger.ts";

function logged(format: LogFormat, fields: LogFields): string {
  const lines: string[] = [];
  const logger = createLogger({
    sink: { write: (text) => void lines.push(text), isTTY: false },
    format,
    now: () => 0,
  });
  logger.log("info", "checkpoint removed", fields);
  return lines.join("");
}

const T0 = "1970-01-01T00:00:00.000Z";

describe("createLogger", () => {
  test("text: names from disk escaped, values with spaces or quotes quoted, one line per event", () => {
    const cases: [LogFields, string][] = [
      [{ path: "/r/t\x1b]0;pwned\x07.ckpt", rows: 1 }, "path=/r/t\\x1b]0;pwned\\x07.ckpt rows=1"],
      [{ path: "/r/new\nline\tx.ckpt" }, "path=/r/new\\nline\\tx.ckpt"],
      [{ path: "/r/a b.ckpt", cause: 'say "no"' }, 'path="/r/a b.ckpt" cause="say \\"no\\""'],
      [{ path: "/r/c1\u009b31m.ckpt", sidecar: undefined, ok: true }, "path=/r/c1\\x9b31m.ckpt ok=true"],
    ];
    expect(cases.map(([fields]) => logged("text", fields))).toEqual(
      cases.map(([, shown]) => `${T0} checkpoint removed ${shown}\n`),
    );
  });

  test("json: C0 escaped by JSON itself, DEL, C1 and line separators too; the values read back unchanged", () => {
    const path = "/r/t\x1b]0;pwned\x07\u009b2J\u007f\u2028.ckpt";
    const line = logged("json", { path });
    expect(line).toBe(
      `{"ts":"${T0}","level":"info","msg":"checkpoint removed","path":"/r/t\\u001b]0;pwned\\u0007\\u009b2J\\u007f\\u2028.ckpt"}\n`,
    );
    expect(JSON.parse(line).path).toBe(path);
  });
});
