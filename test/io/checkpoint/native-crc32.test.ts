import { expect, test } from "bun:test";
import { join } from "node:path";
import { crc32 } from "../../../src/core/formats/crc32.ts";
import { readZipDirectory } from "../../../src/core/formats/zip-directory.ts";
import { entryDataOffset } from "../../../src/core/formats/zip-entry-reader.ts";
import { nativeCrc32, readCheckpointReport } from "../../../src/io/checkpoint/read-checkpoint.ts";
import { pk } from "../../helpers/pickle-bytes.ts";
import { torchZipOfPickle, writeTree } from "../../helpers/synthetic-checkpoints.ts";
import { makeTempDir } from "../../helpers/temp-dir.ts";

test("the native CRC-32 is crc32.ts's on every length and alignment, views included", () => {
  expect(nativeCrc32(new TextEncoder().encode("123456789"))).toBe(0xcbf43926);
  const memory = new Uint8Array(70_000);
  let seed = 7;
  for (let i = 0; i < memory.length; i++) {
    seed = (seed * 1103515245 + 12345) >>> 0;
    memory[i] = seed >>> 24;
  }
  const differ: number[][] = [];
  for (const start of [0, 1, 3, 8, 4093])
    for (const length of [0, 1, 7, 8, 9, 63, 64, 65, 1000, 10_685, 65_536]) {
      const view = memory.subarray(start, start + length);
      if (nativeCrc32(view) !== crc32(view)) differ.push([start, length]);
    }
  expect(differ).toEqual([]);
});

test("a data.pkl whose bytes no longer match its recorded CRC is still reported as damaged", () => {
  using dir = makeTempDir("ckpt-crc-");
  const bytes = torchZipOfPickle(pk(0x80, 2, "}q", 0, "(X", [5, 0, 0, 0], "epochK", 7, "u."));
  const source = { size: bytes.length, read: (at: number, n: number) => bytes.subarray(at, at + n) };
  const directory = readZipDirectory(source);
  const dataPkl = directory.success
    ? directory.data.entries.find((e) => e.name.endsWith("data.pkl"))
    : undefined;
  const offset = dataPkl === undefined ? undefined : entryDataOffset(source, dataPkl);
  if (offset === undefined || !offset.success) throw new Error("no data.pkl in the synthetic zip");
  writeTree(dir.path, { "whole.pt": bytes.slice() });
  bytes[offset.data + 9] = 8; // the epoch, 7 → 8: a valid pickle, a different CRC
  writeTree(dir.path, { "damaged.pt": bytes });
  const whole = readCheckpointReport(join(dir.path, "whole.pt"));
  const damaged = readCheckpointReport(join(dir.path, "damaged.pt"));
  expect([whole.status, whole.top_level_keys]).toEqual(["ok", ["epoch"]]);
  expect({
    status: damaged.status,
    code: damaged.error?.code,
    crc: damaged.error?.message.includes("CRC-32"),
  }).toEqual({
    status: "corrupt",
    code: "zip-corrupt",
    crc: true,
  });
});
