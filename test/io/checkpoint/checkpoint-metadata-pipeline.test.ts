import { expect, test } from "bun:test";
import { copyFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { buildCheckpointMetadata } from "../../../src/io/checkpoint/checkpoint-metadata-pipeline.ts";
import { makeTempDir } from "../../helpers/temp-dir.ts";

const FIXTURE = join(import.meta.dir, "../../fixtures/real/torch/bf16_weights.pt");

function fileFacts(found: { size: number; mtimeMs: number } | undefined) {
  using dir = makeTempDir("pipeline-found");
  const path = join(dir.path, "model.pt");
  copyFileSync(FIXTURE, path);
  const stats = statSync(path);
  const built = buildCheckpointMetadata(path, {
    scanRoot: dir.path,
    now: () => 0,
    ...(found === undefined ? {} : { found: { realPath: path, isDirectory: false, ...found } }),
  });
  return { file: built.metadata?.ckpt?.file, size: stats.size, mtime: new Date(stats.mtimeMs).toISOString() };
}

test("the walk's facts of a file are taken as they are while the bytes read have its size: no lstat of its own", () => {
  const { size } = fileFacts(undefined);
  // An mtime no stat of the file would give: it can only have come from the walk's facts.
  const walked = fileFacts({ size, mtimeMs: Date.UTC(2020, 0, 2) });
  expect(walked.file).toMatchObject({ size, mtime: "2020-01-02T00:00:00.000Z" });
});

test("a file that grew since the walk (a writer finishing it) is stat'ed again: its sidecar records what was read", () => {
  const grown = fileFacts({ size: 10, mtimeMs: Date.UTC(2020, 0, 2) });
  expect(grown.file).toMatchObject({ size: grown.size, mtime: grown.mtime });
});
