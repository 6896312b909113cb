import { expect, test } from "bun:test";
import { batchesByDirectory } from "../../../src/io/scan/read-feed.ts";
import { absentLocations as located } from "../../helpers/absent-locations.ts";

/** Each batch as "directories: count". */
function shape(batches: ReturnType<typeof batchesByDirectory>): string[] {
  return batches.map((batch) => {
    const directories = [...new Set(batch.map((item) => item.file.path.split("/")[2]))];
    return `${directories.join("+")}: ${batch.length}`;
  });
}

test("read batches follow directories (a run read by one thread), small directories share one, none exceeds 128", () => {
  const items = [
    ...located("a", 100),
    ...located("b", 5),
    ...located("c", 30),
    ...located("d", 300),
    ...located("e", 1),
  ];
  expect(shape(batchesByDirectory(items))).toEqual([
    "a: 100",
    "b+c: 35",
    "d: 128",
    "d: 128",
    "d: 44",
    "e: 1",
  ]);
  expect(batchesByDirectory(items).flat()).toEqual(items);
});
