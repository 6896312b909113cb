import { describe, expect, test } from "bun:test";
import { chownSync, mkdirSync, readFileSync, realpathSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { decideSidecarWrite } from "../../../src/io/sidecar/sidecar-placement.ts";
import { makeTempDir } from "../../helpers/temp-dir.ts";

const isRoot = process.getuid?.() === 0;
const CKPT_WRITTEN = join(import.meta.dir, "../../fixtures/sidecars/ckpt-written.metadata.yaml");

/**
 * runs/ is the root. Inside it: a real run, a `last.ckpt` to a checkpoint inside and one to a checkpoint outside,
 * a symlinked `checkpoints/` directory leading outside and one leading back inside, and an HF directory linked in.
 */
function tree(base: string) {
  const runs = join(base, "runs");
  const outside = join(base, "private", "models");
  for (const dir of [join(runs, "r", "real"), outside, join(outside, "checkpoint-5")])
    mkdirSync(dir, { recursive: true });
  for (const path of [join(runs, "r", "real", "best.ckpt"), join(outside, "x.ckpt")])
    writeFileSync(path, "x");
  symlinkSync(join(runs, "r", "real", "best.ckpt"), join(runs, "r", "last.ckpt"));
  symlinkSync(join(outside, "x.ckpt"), join(runs, "r", "away.ckpt"));
  symlinkSync(outside, join(runs, "r", "checkpoints"));
  symlinkSync(join(runs, "r", "real"), join(runs, "r", "again"));
  symlinkSync(join(outside, "checkpoint-5"), join(runs, "r", "checkpoint-5"));
  writeFileSync(join(runs, "r", "real", "taken.ckpt"), "x");
  symlinkSync("/etc/hostname", join(runs, "r", "real", "taken.metadata.yaml"));
  return { runs, outside };
}

type Decision = { readonly writes: string } | { readonly refused: string };
type Case = readonly [
  name: string,
  path: string,
  kind: "file" | "hf-dir",
  root: string | null,
  expected: Decision,
];

describe("decideSidecarWrite: where, if anywhere, a checkpoint's sidecar may be written", () => {
  test("each place, as a whole decision", () => {
    using dir = makeTempDir("placement");
    const base = realpathSync(dir.path);
    const { runs, outside } = tree(base);
    const r = join(runs, "r");
    const at = (...parts: string[]) => join(r, ...parts);
    // [what, checkpoint, kind, root given (default runs/), the decision]
    const cases: readonly Case[] = [
      [
        "in a real directory under the root",
        at("real", "best.ckpt"),
        "file",
        null,
        { writes: at("real", "best.metadata.yaml") },
      ],
      [
        "a link to one under the root shares its target's",
        at("last.ckpt"),
        "file",
        null,
        { writes: at("real", "best.metadata.yaml") },
      ],
      [
        "a link to one outside gets it beside the link",
        at("away.ckpt"),
        "file",
        null,
        { writes: at("away.metadata.yaml") },
      ],
      [
        "through a symlinked directory leading out",
        at("checkpoints", "x.ckpt"),
        "file",
        null,
        { refused: at("checkpoints", "x.metadata.yaml") },
      ],
      [
        "through a symlinked directory leading in",
        at("again", "best.ckpt"),
        "file",
        null,
        { refused: at("again", "best.metadata.yaml") },
      ],
      [
        "an HF directory linked in from outside",
        at("checkpoint-5"),
        "hf-dir",
        null,
        { refused: at("checkpoint-5", "ckpt.metadata.yaml") },
      ],
      [
        "a symlink where the sidecar goes",
        at("real", "taken.ckpt"),
        "file",
        null,
        { refused: at("real", "taken.metadata.yaml") },
      ],
      [
        "named alone, it is its own root",
        at("real", "best.ckpt"),
        "file",
        at("real", "best.ckpt"),
        { writes: at("real", "best.metadata.yaml") },
      ],
      [
        "outside the root given",
        join(outside, "x.ckpt"),
        "file",
        null,
        { refused: join(outside, "x.metadata.yaml") },
      ],
    ];
    const decided = cases.map(([name, path, kind, root]) => {
      const result = decideSidecarWrite({ path, kind, sidecar_present: false }, { scanRoot: root ?? runs });
      return { name, ...(result.success ? { writes: result.data.path } : { refused: result.error.path }) };
    });
    expect(decided).toEqual(cases.map(([name, , , , expected]) => ({ name, ...expected })));
  });

  test.skipIf(!isRoot)("another user's file is never replaced unless ckpt wrote it", () => {
    using dir = makeTempDir("placement-owner");
    const cases = [
      ["notes", "schema_version: '1.0'\n# my notes\n"],
      ["ours", readFileSync(CKPT_WRITTEN, "utf8")],
    ] as const;
    const decided = cases.map(([name, text]) => {
      writeFileSync(join(dir.path, `${name}.ckpt`), "x");
      const sidecar = join(dir.path, `${name}.metadata.yaml`);
      writeFileSync(sidecar, text);
      chownSync(sidecar, 65534, 65534);
      const result = decideSidecarWrite(
        { path: join(dir.path, `${name}.ckpt`), kind: "file", sidecar_present: true },
        { scanRoot: dir.path },
      );
      return result.success ? { name, writes: result.data.path } : { name, refused: result.error.message };
    });
    expect(decided).toEqual([
      {
        name: "notes",
        refused: `${join(dir.path, "notes.metadata.yaml")}: not written, the file there belongs to uid 65534 and was not written by ckpt; ckpt writes sidecars only in real directories under the directories it is given, and never over another user's file`,
      },
      { name: "ours", writes: join(dir.path, "ours.metadata.yaml") },
    ]);
  });
});
