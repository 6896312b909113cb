import { expect, test } from "bun:test";
import {
  type SidecarWriteQuestion,
  type SidecarWriteVerdict,
  sidecarWriteVerdict,
} from "../../../src/io/sidecar/sidecar-write-policy.ts";

const KEEP: SidecarWriteVerdict = { kind: "keep" };
const CREATE: SidecarWriteVerdict = { kind: "write", force: false };
const REPLACE: SidecarWriteVerdict = { kind: "write", force: true };

// The one rule the scan, the daemon, run reassembly (overwrite "ours") and convert ("never" / "any") ask.
const cases: readonly [SidecarWriteQuestion, SidecarWriteVerdict][] = [
  [{ mode: "read", onDisk: "none", overwrite: "ours" }, KEEP],
  [{ mode: "off", onDisk: "ours", overwrite: "any" }, KEEP],
  [{ mode: "write", onDisk: "none", overwrite: "never" }, CREATE],
  [{ mode: "write", onDisk: "none", overwrite: "ours" }, CREATE],
  [{ mode: "write", onDisk: "ours", overwrite: "ours" }, REPLACE],
  [{ mode: "write", onDisk: "theirs", overwrite: "ours" }, KEEP],
  [{ mode: "write", onDisk: "ours", overwrite: "never" }, KEEP],
  [{ mode: "write", onDisk: "theirs", overwrite: "never" }, KEEP],
  [{ mode: "write", onDisk: "theirs", overwrite: "any" }, REPLACE],
];

test("sidecarWriteVerdict: only in write mode; a missing sidecar is created, an existing one replaced only when the caller may", () => {
  expect(cases.map(([question]) => sidecarWriteVerdict(question))).toEqual(
    cases.map(([, verdict]) => verdict),
  );
});
