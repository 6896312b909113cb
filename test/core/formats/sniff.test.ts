import { describe, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { bytesSource } from "../../../src/core/bytes/byte-source.ts";
import { writeU64 } from "../../../src/core/bytes/little-endian.ts";
import { parsePythonJson } from "../../../src/core/formats/python-json.ts";
import { type ContainerName, sniffBytes } from "../../../src/core/formats/sniff.ts";

const REAL = join(import.meta.dir, "../../fixtures/real");

type Truth = { container: ContainerName; symlink_target?: string };

/** The checked-out fixtures may hold a symlink as a plain file naming its target. */
function checkpointBytes(truthPath: string, truth: Truth): Uint8Array {
  const path = truthPath.slice(0, -".truth.json".length);
  const bytes = readFileSync(path);
  const isPlaceholder = truth.symlink_target !== undefined && bytes.toString("utf8") === truth.symlink_target;
  return isPlaceholder ? readFileSync(join(path, "..", truth.symlink_target ?? "")) : bytes;
}

const fixtures = readdirSync(REAL, { recursive: true, encoding: "utf8" })
  .filter((name) => name.endsWith(".truth.json"))
  .sort()
  .map((name) => {
    const truth = parsePythonJson(readFileSync(join(REAL, name), "utf8"));
    if (!truth.success) throw new Error(`${name}: ${truth.error}`);
    return [name, truth.data as Truth] as const;
  });

describe("sniff every real fixture", () => {
  test.each(fixtures)("%s", (name, truth) => {
    const sniffed = sniffBytes(bytesSource(checkpointBytes(join(REAL, name), truth)));
    // `onnx (protobuf ModelProto)`: some truth files describe the container in words after its name.
    expect(sniffed.container as string).toBe(truth.container?.replace(/ \(.*\)$/, ""));
  });

  test("the legacy torch file is recognised by its magic number", () => {
    const bytes = readFileSync(join(REAL, "torch/legacy_format_checkpoint.pth"));
    expect(sniffBytes(bytesSource(bytes)).kind).toBe("legacy-torch-pickle");
  });

  test("run files are text or unknown binary", () => {
    const run = join(REAL, "lightning/outputs/dbnet_r18_dev_full/2026-11-22/14-52-44");
    const kinds = [
      "csv_logs/version_0/metrics.csv",
      ".hydra/config.yaml",
      "tb_logs/version_0/events.out.tfevents.1795359166.vm",
    ].map((file) => sniffBytes(bytesSource(readFileSync(join(run, file)))).kind);
    expect(kinds).toEqual(["text", "text", "binary-unknown"]);
  });
});

const bytesOf = (...parts: (number[] | string)[]) =>
  new Uint8Array(
    parts.flatMap((part) => (typeof part === "string" ? [...new TextEncoder().encode(part)] : part)),
  );
const MAGIC = [0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19];

function safetensorsHead(json: string): Uint8Array {
  const bytes = new Uint8Array(8 + json.length);
  writeU64(bytes, 0, json.length);
  bytes.set(new TextEncoder().encode(json), 8);
  return bytes;
}

function tarHead(): Uint8Array {
  const bytes = new Uint8Array(1024);
  bytes.set(new TextEncoder().encode("sys_info"), 0);
  bytes.set(new TextEncoder().encode("ustar"), 257);
  return bytes;
}

test.each([
  ["empty", new Uint8Array(0), "empty", "empty"],
  ["zip", bytesOf([0x50, 0x4b, 3, 4, 0, 0]), "zip", "zip-local-header"],
  [
    "legacy torch, protocol 2",
    bytesOf([0x80, 2], MAGIC, [0x2e]),
    "legacy-torch-pickle",
    "torch-legacy-magic",
  ],
  [
    "legacy torch, protocol 4",
    bytesOf([0x80, 4, 0x95, 12, 0, 0, 0, 0, 0, 0, 0], MAGIC, [0x2e]),
    "legacy-torch-pickle",
    "torch-legacy-magic",
  ],
  ["plain pickle", bytesOf([0x80, 4, 0x95, 2, 0, 0, 0, 0, 0, 0, 0, 0x4e, 0x2e]), "pickle", "pickle-proto"],
  ["old tar", tarHead(), "legacy-tar", "ustar"],
  ["safetensors", safetensorsHead('{"__metadata__":{}}'), "safetensors", "safetensors-header"],
  ["safetensors with leading spaces", safetensorsHead('  {"a":1}'), "safetensors", "safetensors-header"],
  [
    "git lfs pointer",
    bytesOf("version https://git-lfs.github.com/spec/v1\noid sha256:ab\nsize 12\n"),
    "text",
    "git-lfs-pointer",
  ],
  ["text", bytesOf("epoch,step,loss\n0,1,0.5\n"), "text", "utf8-text"],
  ["binary", bytesOf([0, 1, 2, 3, 0xff, 0xfe]), "binary-unknown", "unknown-magic"],
] as const)("%s", (_name, bytes, kind, code) => {
  const sniffed = sniffBytes(bytesSource(bytes));
  expect({ kind: sniffed.kind, code: sniffed.code }).toEqual({ kind, code });
});
