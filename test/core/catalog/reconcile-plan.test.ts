import { describe, expect, test } from "bun:test";
import { planReconcile, type ScannedFile } from "../../../src/core/catalog/reconcile-plan.ts";

function file(path: string, facts: Partial<ScannedFile> = {}): ScannedFile {
  return {
    path,
    kind: "file",
    dev: 1,
    ino: 10,
    size: 100,
    mtime_ms: 1000,
    alias_of: null,
    sidecar_present: false,
    ...facts,
  };
}

const a = file("/r/a.ckpt", { ino: 1 });
const b = file("/r/b.ckpt", { ino: 2 });

type Summary = { read: string[]; renamed: string[]; aliases: string[]; removed: string[]; unchanged: number };

function summarize(previous: ScannedFile[], current: ScannedFile[]): Summary {
  const plan = planReconcile(previous, current);
  return {
    read: plan.read.map((item) => `${item.reason} ${item.file.path}`),
    renamed: plan.renamed.map((item) => `${item.from} -> ${item.file.path}`),
    aliases: plan.aliases.map((item) => `${item.reason} ${item.file.path}`),
    removed: [...plan.removed],
    unchanged: plan.unchanged,
  };
}

const none = { read: [], renamed: [], aliases: [], removed: [], unchanged: 0 };

describe("planReconcile", () => {
  const cases: [string, ScannedFile[], ScannedFile[], Summary][] = [
    ["first scan reads everything", [], [a, b], { ...none, read: ["added /r/a.ckpt", "added /r/b.ckpt"] }],
    ["nothing changed", [a, b], [a, b], { ...none, unchanged: 2 }],
    [
      "touch (mtime) re-reads",
      [a, b],
      [{ ...a, mtime_ms: 2000 }, b],
      { ...none, read: ["changed /r/a.ckpt"], unchanged: 1 },
    ],
    ["modify (size) re-reads", [a], [{ ...a, size: 5 }], { ...none, read: ["changed /r/a.ckpt"] }],
    [
      "replaced file (new inode) re-reads",
      [a],
      [{ ...a, ino: 99 }],
      { ...none, read: ["changed /r/a.ckpt"] },
    ],
    [
      "a sidecar appearing re-reads",
      [a],
      [{ ...a, sidecar_present: true }],
      { ...none, read: ["changed /r/a.ckpt"] },
    ],
    ["delete removes", [a, b], [b], { ...none, removed: ["/r/a.ckpt"], unchanged: 1 }],
    [
      "rename keeps the row",
      [a],
      [{ ...a, path: "/r/best.ckpt" }],
      { ...none, renamed: ["/r/a.ckpt -> /r/best.ckpt"] },
    ],
    [
      "rename plus rewrite is a new file",
      [a],
      [{ ...a, path: "/r/best.ckpt", size: 7 }],
      { ...none, read: ["added /r/best.ckpt"], removed: ["/r/a.ckpt"] },
    ],
    [
      "hard link becomes an alias",
      [a],
      [a, { ...a, path: "/r/link.ckpt", alias_of: "/r/a.ckpt" }],
      { ...none, aliases: ["added /r/link.ckpt"], unchanged: 1 },
    ],
    [
      "alias unchanged",
      [a, { ...a, path: "/r/link.ckpt", alias_of: "/r/a.ckpt" }],
      [a, { ...a, path: "/r/link.ckpt", alias_of: "/r/a.ckpt" }],
      { ...none, unchanged: 2 },
    ],
    [
      "primary deleted, its hard link takes the row over",
      [a, { ...a, path: "/r/z.ckpt", alias_of: "/r/a.ckpt" }],
      [{ ...a, path: "/r/z.ckpt" }],
      { ...none, read: ["changed /r/z.ckpt"], removed: ["/r/a.ckpt"] },
    ],
  ];
  for (const [name, previous, current, expected] of cases) {
    test(name, () => {
      expect(summarize(previous, current)).toEqual(expected);
    });
  }
});
