import { expect, test } from "bun:test";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { withDirectoryView } from "../../../src/io/scan/directory-view.ts";
import { makeTempDir } from "../../helpers/temp-dir.ts";

function saveDir(root: string): void {
  writeFileSync(join(root, "latest"), "global_step2");
  for (const tag of ["global_step1", "global_step2", "global_step3"]) {
    mkdirSync(join(root, tag, "sub"), { recursive: true });
    writeFileSync(join(root, tag, "mp_rank_00_model_states.pt"), "x");
    writeFileSync(join(root, tag, "sub", "extra.bin"), "x");
  }
}

test("a view lists every file under its root, sorted", () => {
  using dir = makeTempDir("directory-view");
  saveDir(dir.path);
  const names = withDirectoryView(dir.path, (view) => view.names());
  expect(names).toEqual([
    "global_step1/mp_rank_00_model_states.pt",
    "global_step1/sub/extra.bin",
    "global_step2/mp_rank_00_model_states.pt",
    "global_step2/sub/extra.bin",
    "global_step3/mp_rank_00_model_states.pt",
    "global_step3/sub/extra.bin",
    "latest",
  ]);
});

test("within: only the named entries are listed (one tag and the save dir's files), absent names skipped", () => {
  using dir = makeTempDir("directory-view-within");
  saveDir(dir.path);
  const within = ["latest", "zero_to_fp32.py", "global_step2"];
  const names = withDirectoryView(dir.path, (view) => view.names(), { within });
  expect(names).toEqual(["global_step2/mp_rank_00_model_states.pt", "global_step2/sub/extra.bin", "latest"]);
});
