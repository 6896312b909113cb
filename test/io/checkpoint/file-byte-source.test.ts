import { expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { openFileByteSource, withFileByteSource } from "../../../src/io/checkpoint/file-byte-source.ts";
import { makeTempDir } from "../../helpers/temp-dir.ts";

test("reads ranges at offsets, clamped to the end", () => {
  using dir = makeTempDir("file-source");
  const path = join(dir.path, "f.bin");
  writeFileSync(path, new Uint8Array([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]));
  const result = withFileByteSource(path, (source) => ({
    size: source.size,
    middle: [...source.read(3, 4)],
    tail: [...source.read(8, 100)],
    past: [...source.read(20, 4)],
  }));
  expect(result).toEqual({ success: true, data: { size: 10, middle: [3, 4, 5, 6], tail: [8, 9], past: [] } });
});

test.each([
  ["a missing file", (dir: string) => join(dir, "missing.ckpt"), "not-found"],
  ["a directory", (dir: string) => dir, "is-directory"],
  // Opened without blocking: a FIFO with no writer would otherwise wait here forever.
  [
    "a FIFO",
    (dir: string) => {
      Bun.spawnSync(["mkfifo", join(dir, "x.ckpt")]);
      return join(dir, "x.ckpt");
    },
    "not-regular",
  ],
  ["a character device", () => "/dev/zero", "not-regular"],
] as const)("typed error for %s", (_name, pathOf, code) => {
  using dir = makeTempDir("file-source");
  const result = openFileByteSource(pathOf(dir.path));
  expect(result.success ? undefined : result.error.code).toBe(code);
});

test("withFileByteSource closes the descriptor even when the callback throws", () => {
  using dir = makeTempDir("file-source");
  const path = join(dir.path, "f.bin");
  writeFileSync(path, "abc");
  let closedRead: unknown;
  const opened = openFileByteSource(path);
  if (!opened.success) throw new Error(opened.error.message);
  opened.data.close();
  try {
    opened.data.read(0, 1);
  } catch (error) {
    closedRead = error;
  }
  expect(closedRead).toBeInstanceOf(Error);
  expect(() =>
    withFileByteSource(path, () => {
      throw new Error("boom");
    }),
  ).toThrow("boom");
});

test("any range reads the file's own bytes, across blocks, near the end and larger than a block", () => {
  using dir = makeTempDir("file-source");
  const path = join(dir.path, "f.bin");
  const content = new Uint8Array(100_003).map((_, index) => (index * 7919) % 251);
  writeFileSync(path, content);
  let seed = 42;
  const next = (limit: number) => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed % limit;
  };
  const ranges: [number, number][] = [
    [0, 512],
    [100_003 - 22, 22],
    [100_003 - 20_000, 20_000],
    [16_380, 10],
    [4095, 40_000],
    [4095, 16_384],
    [8191, 16_000],
    [12_000, 8_000],
    [99_990, 100],
  ];
  for (let index = 0; index < 300; index++) ranges.push([next(100_003), next(5000)]);
  const result = withFileByteSource(path, (source) =>
    ranges.every(([offset, length]) => {
      const expected = content.subarray(offset, Math.min(content.length, offset + length));
      return Buffer.from(source.read(offset, length)).equals(expected);
    }),
  );
  expect(result).toEqual({ success: true, data: true });
});

test("with reuseAfterClose, sources open at once never share memory and each reads its own file's bytes", () => {
  using dir = makeTempDir("file-source");
  const files = [0x11, 0x22, 0x33].map((fill, index) => {
    const path = join(dir.path, `f${index}.bin`);
    // Small (read whole) and large (read in blocks), so both kinds of block go back to the spares.
    writeFileSync(path, new Uint8Array(index === 2 ? 200_000 : 30_000).fill(fill));
    return { path, fill };
  });
  for (let round = 0; round < 3; round++) {
    const sources = files.map(({ path }) => {
      const opened = openFileByteSource(path, { reuseAfterClose: true });
      if (!opened.success) throw new Error(opened.error.message);
      return opened.data;
    });
    const ranges = (size: number) => [
      [0, 600],
      [size - 600, 600],
      [Math.floor(size / 2), 100],
    ];
    // Every source reads (and keeps its blocks) before any is read again from those blocks.
    for (const source of sources)
      for (const [at, length] of ranges(source.size)) source.read(at ?? 0, length ?? 0);
    const seen = sources.map((source) =>
      ranges(source.size).map(([at, length]) => new Set(source.read(at ?? 0, length ?? 0))),
    );
    for (const source of sources) source.close();
    expect(seen.map((sets) => sets.map((set) => [...set]))).toEqual(
      files.map(({ fill }) => [[fill], [fill], [fill]]),
    );
  }
});
