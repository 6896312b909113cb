import { expect, test } from "bun:test";
import type { CheckpointReport } from "../../../src/core/checkpoint/checkpoint-report.ts";
import {
  type DirectoryVerdict,
  judgedDirectoryReport,
  verdictOfCompleteness,
} from "../../../src/core/checkpoint/directory-verdict.ts";
import { emptyReport } from "../../../src/core/checkpoint/report-outcome.ts";

const base = emptyReport({ path: "/r/step-4", container: "dcp-dir", size: 10 });
const unsafe: CheckpointReport = {
  ...base,
  safety: { status: "unsafe", dangerous: ["os.system"], unknown: [], notes: [] },
};
const outcome = (report: CheckpointReport): unknown[] => [
  report.status,
  report.error?.code ?? null,
  report.error?.message,
];

test.each<[string, CheckpointReport, DirectoryVerdict, unknown[]]>([
  ["complete: unchanged", base, { complete: true, reason: "ok" }, ["ok", null, undefined]],
  [
    "incomplete: the reason, naming the directory",
    base,
    { complete: false, reason: "no .metadata" },
    ["incomplete", "directory-incomplete", "/r/step-4: no .metadata"],
  ],
  [
    "a corrupt file",
    base,
    verdictOfCompleteness({ state: "corrupt", reason: "bad zip" }),
    ["corrupt", "directory-incomplete", "/r/step-4: bad zip"],
  ],
  [
    "unknown completeness holds nothing back",
    base,
    verdictOfCompleteness({ state: "unknown", reason: "-" }),
    ["ok", null, undefined],
  ],
  [
    "unsafe decides before incomplete",
    unsafe,
    { complete: false, reason: "no .metadata" },
    ["unsafe", "dangerous-globals", expect.stringContaining("os.system")],
  ],
])("%s", (_name, report, verdict, expected) => {
  expect(outcome(judgedDirectoryReport(report, verdict))).toEqual(expected);
});
