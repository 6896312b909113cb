import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { cpSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Glob } from "bun";
import { objectCandidates } from "../../../src/io/object-store/object-candidates.ts";
import type { ListedObject } from "../../../src/io/object-store/s3-listing.ts";
import { megatronRankFile } from "../../helpers/megatron-rank-file.ts";
import { runCliInProcess } from "../../helpers/run-cli-in-process.ts";
import { type S3TestServer, startS3TestServer, TEST_BUCKET } from "../../helpers/s3-test-server.ts";
import { writeTree } from "../../helpers/synthetic-checkpoints.ts";
import { makeTempDir } from "../../helpers/temp-dir.ts";

// Framework-written directory checkpoints (DeepSpeed tags, DCP dirs, HF checkpoint-N and sharded save_pretrained,
// Accelerate, PEFT): the same tree scanned on disk and uploaded to an S3 server must give the same checkpoints.
const DISTRIBUTED = join(import.meta.dir, "..", "..", "fixtures", "distributed");

type Row = { path: string; kind: string; status: string; problem: string | null; global_step: number | null };

/** What a catalog says of each checkpoint under `root`, keyed by its path below the root. */
function facts(rows: readonly Row[], root: string): string[] {
  return rows
    .map((row) => {
      const below = row.path.slice(root.length + 1);
      return `${below} ${row.kind} ${row.status} step=${row.global_step}`;
    })
    .sort();
}

describe("an S3 listing finds checkpoint directories by the walker's one rule", () => {
  let server: S3TestServer;
  const dir = makeTempDir("s3-checkpoint-dirs");
  const tree = join(dir.path, "d");
  const ckpt = (args: string[], catalog: string) =>
    runCliInProcess([...args, "--catalog", join(dir.path, catalog), "--json"], {
      cwd: dir.path,
      env: server.env,
    });

  beforeAll(async () => {
    server = await startS3TestServer();
    cpSync(DISTRIBUTED, tree, { recursive: true });
    // Megatron's tracker names iteration 100: iteration 200 is not committed (judged by the tracker beside it).
    writeTree(join(tree, "megatron"), {
      "latest_checkpointed_iteration.txt": "100",
      "iter_0000100/mp_rank_00/model_optim_rng.pt": megatronRankFile(100, { tp: 1, pp: 1 }),
      "iter_0000200/mp_rank_00/model_optim_rng.pt": megatronRankFile(200, { tp: 1, pp: 1 }),
    });
    for (const name of new Glob("**/*").scanSync({ cwd: tree, dot: true }))
      await server.put(`d/${name}`, readFileSync(join(tree, name)));
  });
  afterAll(async () => {
    await server.stop();
    dir[Symbol.dispose]();
  });

  test("the same checkpoints, kinds, completeness verdicts and steps as the disk scan of the same tree", async () => {
    const disk = await ckpt(["scan", tree, "--sidecars", "read"], "disk.db");
    expect(disk.exitCode).toBe(0);
    const onDisk = facts(JSON.parse((await ckpt(["ls", tree], "disk.db")).stdout), tree);
    const root = `s3://${TEST_BUCKET}/d`;
    const s3 = await ckpt(["scan", root, "--sidecars", "read"], "s3.db");
    expect(s3.exitCode).toBe(0);
    const inS3 = facts(JSON.parse((await ckpt(["ls", root], "s3.db")).stdout), root);
    // Twenty-odd checkpoints, among them incomplete ones (a DeepSpeed save without `latest`, a missing shard).
    expect(onDisk.length).toBeGreaterThan(20);
    expect(onDisk.filter((line) => /^(deepspeed|megatron)\/.* incomplete /.test(line))).toEqual([
      "deepspeed/zero2_bf16_save_in_progress/global_step6 sharded-dir incomplete step=null",
      "megatron/iter_0000200 sharded-dir incomplete step=null",
    ]);
    expect(inS3).toEqual(onDisk);
  });

  test("scan of a prefix that is itself a tag or an iteration: the verdict the scan of its parent gives", async () => {
    const verdicts: string[] = [];
    for (const folder of ["deepspeed/zero2_bf16_save_in_progress/global_step6", "megatron/iter_0000200"]) {
      const root = `s3://${TEST_BUCKET}/d/${folder}`;
      const catalog = `${folder.replaceAll("/", "-")}.db`;
      expect((await ckpt(["scan", root, "--sidecars", "read"], catalog)).exitCode).toBe(0);
      verdicts.push(
        ...facts(JSON.parse((await ckpt(["ls", root], catalog)).stdout), `s3://${TEST_BUCKET}/d`),
      );
    }
    expect(verdicts).toEqual([
      "deepspeed/zero2_bf16_save_in_progress/global_step6 sharded-dir incomplete step=null",
      "megatron/iter_0000200 sharded-dir incomplete step=null",
    ]);
  });

  test("inspect of one such folder judges it as the scan does: with its save dir's latest, Megatron's tracker", async () => {
    const folders = [
      "deepspeed/zero2_bf16_save_in_progress/global_step6",
      "deepspeed/zero0_bf16/global_step3",
      "megatron/iter_0000100",
      "megatron/iter_0000200",
      "dcp/titan_run/checkpoint/step-400",
      "hf/tiny-mistral-3shards-missing-shard",
    ];
    const verdicts = async (paths: string[]) => {
      const run = await runCliInProcess(["inspect", "--json", ...paths], { cwd: dir.path, env: server.env });
      return run.stdout
        .trimEnd()
        .split("\n")
        .map((line) => {
          const report = JSON.parse(line) as {
            status: string;
            framework: string;
            error: { code: string } | null;
          };
          return [report.status, report.framework, report.error?.code ?? null];
        });
    };
    const onDisk = await verdicts(folders.map((folder) => join(tree, folder)));
    const inS3 = await verdicts(folders.map((folder) => `s3://${TEST_BUCKET}/d/${folder}/`));
    expect(onDisk.map(([status]) => status)).toEqual([
      "incomplete",
      "ok",
      "ok",
      "incomplete",
      "incomplete",
      "incomplete",
    ]);
    expect(inS3).toEqual(onDisk);
  });
});

function listed(keys: readonly string[]): ListedObject[] {
  return keys.map((key) => ({ key, size: 1, etag: `"${key}"`, lastModified: "2026-01-01T00:00:00.000Z" }));
}

test.each<[string, string, string[], string[]]>([
  [
    "a DeepSpeed save dir: each tag is one checkpoint, its rank files no checkpoints of their own",
    "run",
    [
      "run/latest",
      "run/global_step1/mp_rank_00_model_states.pt",
      "run/global_step3/mp_rank_00_model_states.pt",
    ],
    ["run/global_step1 sharded-dir", "run/global_step3 sharded-dir"],
  ],
  [
    "a DCP dir by its .metadata and shards; a torchtitan step-N dir too",
    "",
    [
      "dcp/.metadata",
      "dcp/__0_0.distcp",
      "titan/checkpoint/step-100/.metadata",
      "titan/checkpoint/step-100/__0_0.distcp",
    ],
    ["dcp sharded-dir", "titan/checkpoint/step-100 sharded-dir"],
  ],
  [
    "a checkpoint-N/ without an HF marker is a folder: the checkpoints inside are found, as on disk",
    "out/",
    ["out/checkpoint-5/model.pt", "out/checkpoint-6/config.json", "out/checkpoint-6/model.safetensors"],
    ["out/checkpoint-5/model.pt file", "out/checkpoint-6 hf-dir"],
  ],
  [
    "the prefix naming a checkpoint folder is that checkpoint; staging folders and *.tmp keys are left out",
    "m/tiny-3shards",
    ["m/tiny-3shards/model.safetensors.index.json", "m/tiny-3shards/model-00001-of-00003.safetensors"],
    ["m/tiny-3shards sharded-dir"],
  ],
  [
    "staging names are skipped at every level",
    "r",
    ["r/tmp-checkpoint-9/config.json", "r/a.ckpt.tmp", "r/x/.metadata", "r/x/__0_0.distcp", "r/b.ckpt"],
    ["r/b.ckpt file", "r/x sharded-dir"],
  ],
])("%s", (_, prefix, keys, expected) => {
  const found = objectCandidates(listed(keys), prefix).map(
    (candidate) => `${candidate.key} ${candidate.kind}`,
  );
  expect(found.sort()).toEqual(expected);
});

test("a checkpoint folder's members are its objects but ckpt's sidecars; a file's sidecar is no checkpoint", () => {
  const keys = [
    "c/checkpoint-2/config.json",
    "c/checkpoint-2/ckpt.metadata.yaml",
    "c/best.ckpt",
    "c/best.metadata.yaml",
  ];
  const found = objectCandidates(listed(keys), "c");
  expect(
    found.map((candidate) => [candidate.key, candidate.members?.map((member) => member.key) ?? null]),
  ).toEqual([
    ["c/best.ckpt", null],
    ["c/checkpoint-2", ["c/checkpoint-2/config.json"]],
  ]);
});
