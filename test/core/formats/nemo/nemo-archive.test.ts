import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { bytesSource } from "../../../../src/core/bytes/byte-source.ts";
import { buildCheckpointReport } from "../../../../src/core/checkpoint/build-checkpoint-report.ts";
import { checkFileCompleteness } from "../../../../src/core/formats/completeness.ts";
import { readTarMembers } from "../../../../src/core/formats/nemo/tar-members.ts";

// Synthetic: written by test/fixtures/exported/make_exported.py with NeMo's own tarfile calls
// (`tarfile.open(path, "w:")` + `tar.add(dir, arcname=".")`, NeMo ≥ 1.7); NeMo is not installable here.
const DIR = join(import.meta.dir, "../../../fixtures/exported");
const nemo = new Uint8Array(readFileSync(join(DIR, "ctc_tiny.nemo")));
const report = (bytes: Uint8Array, path = "m.nemo") => buildCheckpointReport(bytesSource(bytes), { path });

describe("NeMo .nemo tar archives", () => {
  test("members, model_config.yaml and the weights' size from the headers", () => {
    const result = report(nemo);
    expect({ status: result.status, framework: result.framework, container: result.container }).toEqual({
      status: "ok",
      framework: "nemo",
      container: "tar",
    });
    expect(result.nemo?.members.map((member) => member.name).sort()).toEqual([
      "model_config.yaml",
      "model_weights.ckpt",
      "tokenizer/",
      "tokenizer/vocab.txt",
    ]);
    expect(result.nemo?.target).toBe("nemo.collections.asr.models.ctc_models.EncDecCTCModel");
    expect(result.nemo?.model_config).toMatchObject({
      sample_rate: 16000,
      optim: { name: "adamw", lr: 0.001 },
    });
    expect([result.nemo?.weights_files, result.nemo?.weights_bytes]).toEqual([["model_weights.ckpt"], 20004]);
    // Headers (and PAX records) and the config; the 20 KB of weights are skipped.
    expect(result.bytes_read).toBeLessThan(nemo.length - 20004);
    expect(result.safety?.status).toBe("unknown");
    expect(checkFileCompleteness(bytesSource(nemo)).state).toBe("complete");
  });

  test("weights without model_config.yaml: corrupt, NeMo could not restore it", () => {
    const result = report(new Uint8Array(readFileSync(join(DIR, "no_config.nemo"))), "n.nemo");
    expect([result.status, result.error?.code]).toEqual(["corrupt", "nemo-corrupt"]);
    expect(result.error?.message).toMatch(/^n\.nemo: NeMo archive: NeMo weights but no model_config\.yaml/);
  });

  test("every truncation is an error once a NeMo member is listed, never ok, never a throw", () => {
    const end = nemo.length - 2 * 512; // python pads to 10 KB records: cuts inside the padding keep the end block
    for (let cut = 1; cut < end; cut += cut % 512 < 4 || cut % 512 > 508 ? 1 : 97) {
      const result = report(nemo.subarray(0, cut));
      expect(result.status).not.toBe("ok");
      expect(result.error?.code).not.toBe("internal");
      if (result.framework === "nemo")
        expect(checkFileCompleteness(bytesSource(nemo.subarray(0, cut))).state).toBe("incomplete");
    }
  });

  test("a flipped header byte fails the checksum: corrupt", () => {
    const damaged = nemo.slice();
    const configHeader = readTarMembers(bytesSource(nemo)).members.find(
      (m) => m.name === "model_config.yaml",
    );
    const at = (configHeader?.dataOffset ?? 0) - 512 + 5;
    damaged[at] = (damaged[at] ?? 0) ^ 0xff;
    expect(readTarMembers(bytesSource(damaged)).error?.code).toBe("corrupt");
  });

  test("a tar without NeMo members stays a pre-0.4 torch tar; a gzipped .nemo is named as such", () => {
    const plain = nemo.slice();
    const listing = readTarMembers(bytesSource(nemo));
    // Rename every member and fix the header checksums.
    for (const member of listing.members) renameMember(plain, member.dataOffset - 512);
    expect(report(plain).error?.code).toBe("legacy-tar");
    const gz = report(new Uint8Array(gzipSync(nemo)));
    expect(gz.error?.message).toMatch(/gzip-compressed data \(a \.nemo saved by NeMo before 1\.7/);
  });
});

/** `./model_…` → `./xodel_…` in a member's header, with the header checksum recomputed. */
function renameMember(tar: Uint8Array, header: number): void {
  tar[header + 2] = 0x78;
  tar.fill(0x20, header + 148, header + 156);
  let sum = 0;
  for (let index = 0; index < 512; index++) sum += tar[header + index] ?? 0;
  tar.set(new TextEncoder().encode(`${sum.toString(8).padStart(6, "0")}\0 `), header + 148);
}
