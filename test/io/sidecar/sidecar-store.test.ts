import { describe, expect, setDefaultTimeout, test } from "bun:test";
import * as fs from "node:fs";
import { join } from "node:path";
import type { CheckpointMetadataV1 } from "../../../src/core/metadata/metadata-schema.ts";
import { parsePythonYaml } from "../../../src/core/metadata/python-yaml.ts";
import { readSidecar, type SidecarFs, writeSidecar } from "../../../src/io/sidecar/sidecar-store.ts";
import { removeStaleSidecarTemps } from "../../../src/io/sidecar/sidecar-temps.ts";
import { PROCESS_TEST_TIMEOUT_MS } from "../../helpers/process-budget.ts";
import { makeTempDir } from "../../helpers/temp-dir.ts";

setDefaultTimeout(PROCESS_TEST_TIMEOUT_MS);

const sidecars = join(import.meta.dir, "../../fixtures/sidecars");
const golden = fs.readFileSync(join(sidecars, "ckpt-written.metadata.yaml"), "utf8");
const metadata = (() => {
  const parsed = parsePythonYaml(golden);
  if (!parsed.success) throw new Error("golden sidecar does not parse");
  return parsed.data as CheckpointMetadataV1;
})();

function failingAt(step: keyof SidecarFs, code: string): SidecarFs {
  return {
    ...fs,
    [step]: () => {
      throw Object.assign(new Error(`${step} failed`), { code });
    },
  } as SidecarFs;
}

describe("writeSidecar", () => {
  test("writes the golden bytes and leaves no temp file", () => {
    using dir = makeTempDir("sidecar-write");
    const path = join(dir.path, "best.metadata.yaml");
    expect(writeSidecar(path, metadata, { random: () => "r1" })).toEqual({ success: true, data: { path } });
    expect(fs.readFileSync(path, "utf8")).toBe(golden);
    expect(fs.readdirSync(dir.path)).toEqual(["best.metadata.yaml"]);
  });

  test("refuses to overwrite without force, overwrites with force", () => {
    using dir = makeTempDir("sidecar-force");
    const path = join(dir.path, "best.metadata.yaml");
    fs.writeFileSync(path, "theirs\n");
    expect(writeSidecar(path, metadata)).toEqual({
      success: false,
      error: {
        code: "sidecar-exists",
        path,
        message: `${path}: a sidecar already exists and was left untouched; use --force to overwrite it`,
      },
    });
    expect(fs.readFileSync(path, "utf8")).toBe("theirs\n");
    expect(writeSidecar(path, metadata, { force: true }).success).toBe(true);
    expect(fs.readFileSync(path, "utf8")).toBe(golden);
    expect(fs.readdirSync(dir.path)).toEqual(["best.metadata.yaml"]);
  });

  test("a sidecar that appears during the write is not clobbered", () => {
    using dir = makeTempDir("sidecar-race");
    const path = join(dir.path, "best.metadata.yaml");
    const racing: SidecarFs = {
      ...fs,
      fsyncSync: (fd) => {
        fs.fsyncSync(fd);
        if (!fs.existsSync(path)) fs.writeFileSync(path, "theirs\n");
      },
    };
    expect(writeSidecar(path, metadata, { fs: racing }).success).toBe(false);
    expect(fs.readFileSync(path, "utf8")).toBe("theirs\n");
    expect(fs.readdirSync(dir.path)).toEqual(["best.metadata.yaml"]);
  });

  const failureCases: [keyof SidecarFs, string, string][] = [
    ["openSync", "EROFS", "read-only-directory"],
    ["openSync", "EACCES", "read-only-directory"],
    ["writeSync", "ENOSPC", "io"],
    ["fsyncSync", "EIO", "io"],
    ["linkSync", "EIO", "io"],
  ];
  test.each(failureCases)("%s failing with %s → %s, no partial or temp file", (step, errno, code) => {
    using dir = makeTempDir("sidecar-fail");
    const path = join(dir.path, "best.metadata.yaml");
    const result = writeSidecar(path, metadata, { fs: failingAt(step, errno) });
    expect(result.success ? "ok" : result.error.code).toBe(code);
    expect(fs.readdirSync(dir.path)).toEqual([]);
  });

  test("the read-only message names the directory and what to do", () => {
    using dir = makeTempDir("sidecar-ro");
    const path = join(dir.path, "best.metadata.yaml");
    expect(writeSidecar(path, metadata, { fs: failingAt("openSync", "EROFS") })).toEqual({
      success: false,
      error: {
        code: "read-only-directory",
        path,
        message: `${path}: cannot write the sidecar, ${dir.path} is read-only (EROFS); make it writable to get sidecars, the catalog keeps the metadata meanwhile`,
      },
    });
  });

  test("a real read-only directory", () => {
    using dir = makeTempDir("sidecar-chmod");
    fs.chmodSync(dir.path, 0o755);
    const readOnly = join(dir.path, "run");
    fs.mkdirSync(readOnly, { mode: 0o555 });
    fs.chmodSync(readOnly, 0o555);
    // Root ignores directory modes, so as root the write runs as the unprivileged user 65534.
    const writer = [
      process.execPath,
      join(import.meta.dir, "write-sidecar-fixture.ts"),
      join(readOnly, "best.metadata.yaml"),
    ];
    const asUser =
      process.getuid?.() === 0 ? ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"] : [];
    const run = Bun.spawnSync([...asUser, ...writer], { stderr: "pipe" });
    expect(run.stderr.toString()).toBe("");
    const result = JSON.parse(run.stdout.toString());
    expect(result.success ? "ok" : result.error.code).toBe("read-only-directory");
    expect(fs.readdirSync(readOnly)).toEqual([]);
  });

  test("invalid metadata is refused before touching the disk", () => {
    using dir = makeTempDir("sidecar-invalid");
    const bad = { ...metadata, metrics: { ...metadata.metrics, hmean: Number.NaN } };
    const result = writeSidecar(join(dir.path, "best.metadata.yaml"), bad);
    expect(result.success ? "ok" : result.error.code).toBe("invalid-metadata");
    expect(fs.readdirSync(dir.path)).toEqual([]);
  });
});

describe("readSidecar", () => {
  test("reads and validates a sidecar", () => {
    const result = readSidecar(join(sidecars, "ckpt-written.metadata.yaml"));
    expect(result).toEqual({
      success: true,
      data: { valid: true, data: metadata, problems: [], text: golden },
    });
  });

  const problemCases: [string, boolean, [string, string, number | undefined][]][] = [
    ["invalid-schema-version", false, [["unsupported-schema-version", "schema_version", 1]]],
    ["invalid-created-at", false, [["invalid-timestamp", "created_at", 4]]],
    ["invalid-hmean-out-of-range", false, [["out-of-range", "metrics.hmean", 34]]],
    ["invalid-nan-metric", false, [["non-finite-number", "metrics.validation_loss", 35]]],
    ["invalid-negative-epoch", false, [["out-of-range", "training.epoch", 7]]],
    [
      "invalid-wrong-types",
      false,
      [
        ["invalid-type", "training.epoch", 7],
        ["invalid-type", "model.encoder.pretrained", 15],
        ["invalid-type", "model.decoder.in_channels[1]", 19],
        ["invalid-type", "checkpointing.save_top_k", 43],
      ],
    ],
    ["warning-final-weights-epoch", true, [["final-weights-epoch", "training.epoch", 7]]],
    ["warning-missing-primary-metric", true, [["missing-primary-metric", "metrics.hmean", 34]]],
  ];
  test.each(problemCases)("%s", (name, valid, expected) => {
    const result = readSidecar(join(sidecars, `${name}.metadata.yaml`));
    if (!result.success) throw new Error(result.error.message);
    const problems = result.data.problems.map((problem) => [problem.code, problem.path, problem.line]);
    expect({ valid: result.data.valid, problems }).toEqual({ valid, problems: expected });
  });

  test("a YAML syntax error is a read error with file:line:col", () => {
    const path = join(sidecars, "invalid-yaml-syntax.metadata.yaml");
    expect(readSidecar(path)).toEqual({
      success: false,
      error: {
        code: "syntax-error",
        path,
        line: 20,
        col: 5,
        message: `${path}:20:5: YAML syntax error: Flow sequence in block collection must be sufficiently indented and end with a ]; fix the file or delete it and run \`ckpt scan\``,
      },
    });
  });

  test("missing and unreadable files are distinct errors", () => {
    using dir = makeTempDir("sidecar-read");
    const missing = join(dir.path, "none.metadata.yaml");
    expect(readSidecar(missing)).toEqual({
      success: false,
      error: { code: "not-found", path: missing, message: `${missing}: no such sidecar` },
    });
    const result = readSidecar(dir.path);
    expect(result.success ? "ok" : result.error.code).toBe("unreadable");
  });
});

describe("removeStaleSidecarTemps", () => {
  test("removes only our old temp files", () => {
    using dir = makeTempDir("sidecar-clean");
    for (const name of [".best.metadata.yaml.ckpt-tmp-aa", "best.metadata.yaml", "tmp.pth.tar"]) {
      fs.writeFileSync(join(dir.path, name), "x");
    }
    const later = Date.now() + 120_000;
    expect(removeStaleSidecarTemps(dir.path, { now: () => later })).toEqual([
      `${dir.path}/.best.metadata.yaml.ckpt-tmp-aa`,
    ]);
    expect(fs.readdirSync(dir.path).sort()).toEqual(["best.metadata.yaml", "tmp.pth.tar"]);
  });

  test("keeps fresh temp files a writer may still own", () => {
    using dir = makeTempDir("sidecar-fresh");
    fs.writeFileSync(join(dir.path, ".a.metadata.yaml.ckpt-tmp-bb"), "x");
    expect(removeStaleSidecarTemps(dir.path)).toEqual([]);
  });
});
