import { describe, expect, test } from "bun:test";
import { type UsageFlag, usageFlags } from "../../../src/core/completion/usage-flags.ts";

describe("usageFlags", () => {
  const usage = `Usage: ckpt convert (--checkpoint PATH | --exp-dir DIR) [options]

Options:
  --checkpoint PATH   convert one checkpoint
                      (a continuation line, --not-a-flag)
  --json, --csv       machine-readable output
  -v, --verbose       print every checkpoint
  --poll[=SECONDS]    poll instead of inotify
  --sort KEY          epoch, step
  -h, --help          show this help

Examples:
  ckpt convert --checkpoint last.ckpt --json
`;
  test("option lines become flags; continuation lines, usage and examples do not", () => {
    const expected: UsageFlag[] = [
      { name: "checkpoint", short: null, value: "PATH", description: "convert one checkpoint" },
      { name: "json", short: null, value: null, description: "machine-readable output" },
      { name: "csv", short: null, value: null, description: "machine-readable output" },
      { name: "verbose", short: "v", value: null, description: "print every checkpoint" },
      { name: "poll", short: null, value: null, description: "poll instead of inotify" },
      { name: "sort", short: null, value: "KEY", description: "epoch, step" },
      { name: "help", short: "h", value: null, description: "show this help" },
    ];
    expect(usageFlags(usage)).toEqual(expected);
  });
});
