import { describe, expect, test } from "bun:test";
import { decodeChangeNotice, encodeChangeNotice } from "../../../src/core/catalog/change-notice.ts";

describe("change notices", () => {
  test("name the paths when they fit, and only the host when they do not", () => {
    const small = { host: "gpu-1", upserted: ["/runs/a/epoch=1.ckpt"], removed: ["/runs/a/epoch=0.ckpt"] };
    expect(decodeChangeNotice(encodeChangeNotice(small))).toEqual(small);
    const many = Array.from(
      { length: 500 },
      (_, index) => `/data/runs/some-experiment/checkpoints/epoch=${index}.ckpt`,
    );
    const large = encodeChangeNotice({ host: "gpu-1", upserted: many, removed: [] });
    expect(new TextEncoder().encode(large).length).toBeLessThan(8000);
    expect(decodeChangeNotice(large)).toEqual({ host: "gpu-1", upserted: null, removed: null });
  });

  test("another program's payload on the channel is no notice", () => {
    expect(["", "gpu-1", "[1]", '{"host":3}', "null"].map(decodeChangeNotice)).toEqual([
      null,
      null,
      null,
      null,
      null,
    ]);
  });
});
