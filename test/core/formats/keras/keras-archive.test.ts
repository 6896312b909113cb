import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { inflateRawSync } from "node:zlib";
import { bytesSource } from "../../../../src/core/bytes/byte-source.ts";
import { buildCheckpointReport } from "../../../../src/core/checkpoint/build-checkpoint-report.ts";
import { materializeWritePlan, planTorchZip } from "../../../../src/core/formats/zip-writer.ts";

// Synthetic: written by test/fixtures/exported/make_exported.py with the zipfile calls of Keras 3's
// saving_lib._save_model_to_fileobj (Keras itself is not installable here); see that script.
const DIR = join(import.meta.dir, "../../../fixtures/exported");
const read = (name: string) => new Uint8Array(readFileSync(join(DIR, name)));
const inflate = (data: Uint8Array, options: { maxOutputLength: number }) => inflateRawSync(data, options);
const report = (bytes: Uint8Array, path = "m.keras") =>
  buildCheckpointReport(bytesSource(bytes), { path, inflate });
const encode = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));

describe("Keras 3 .keras archives", () => {
  test("metadata.json and config.json facts; the weights sized, not read", () => {
    const bytes = read("tiny_mlp.keras");
    const result = report(bytes);
    expect({ status: result.status, framework: result.framework, safety: result.safety?.status }).toEqual({
      status: "ok",
      framework: "keras",
      safety: "safe",
    });
    expect(result.keras).toEqual({
      keras_version: "3.3.3",
      date_saved: "2026-11-22@14:53:07",
      module: "keras",
      class_name: "Sequential",
      name: "tiny_mlp",
      layer_count: 3,
      weights_file: "model.weights.h5",
      weights_bytes: 4096,
      entries: ["metadata.json", "config.json", "model.weights.h5"],
      python_lambdas: false,
    });
    // Sniff, the directory (twice: torch first, then Keras) and the two JSON files; the 4 KB of weights stay unread.
    expect(result.bytes_read).toBeLessThan(bytes.length / 2);
  });

  test("npz weights: safety unknown, with the reason", () => {
    const result = report(read("tiny_mlp_npz.keras"));
    expect(result.keras?.weights_file).toBe("model.weights.npz");
    expect(result.safety?.status).toBe("unknown");
    expect(result.safety?.notes[0]).toMatch(/allow_pickle=True/);
  });

  test("no weights file: the save did not finish", () => {
    const result = report(read("no_weights.keras"), "n.keras");
    expect([result.status, result.error?.code]).toEqual(["incomplete", "keras-incomplete"]);
    expect(result.error?.message).toMatch(/^n\.keras: Keras archive: no model\.weights\.h5/);
  });

  test("every truncation is an error, never ok", () => {
    const bytes = read("tiny_mlp.keras");
    for (let cut = 1; cut < bytes.length; cut++) {
      const result = report(bytes.subarray(0, cut));
      expect(result.status).not.toBe("ok");
      expect(result.error?.code).not.toBe("internal");
    }
  });

  test("a config.json that is not JSON is corrupt; Lambda layer code is named", () => {
    const weights = { name: "model.weights.h5", data: new Uint8Array(8) };
    const broken = planTorchZip([
      { name: "metadata.json", data: encode({ keras_version: "3.0.0" }) },
      { name: "config.json", data: new TextEncoder().encode("{not json") },
      weights,
    ]);
    expect(report(materializeWritePlan(broken)).error?.code).toBe("keras-corrupt");
    const lambda = planTorchZip([
      { name: "metadata.json", data: encode({ keras_version: "3.0.0" }) },
      {
        name: "config.json",
        data: encode({
          class_name: "Functional",
          config: {
            layers: [
              {
                class_name: "Lambda",
                config: { function: { class_name: "__lambda__", config: { code: "4wEA" } } },
              },
            ],
          },
        }),
      },
      weights,
    ]);
    const result = report(materializeWritePlan(lambda));
    expect(result.keras?.python_lambdas).toBe(true);
    expect(result.safety?.status).toBe("unknown");
  });

  test("a zip with only one of the two JSON files stays another zip", () => {
    const zip = planTorchZip([{ name: "config.json", data: encode({}) }]);
    expect(report(materializeWritePlan(zip)).error?.code).toBe("other-zip");
  });
});
