import { describe, expect, test } from "bun:test";
import { cataloguedFreedBytes } from "../../../src/core/retention/catalogued-bytes.ts";
import type { RetentionDecision } from "../../../src/core/retention/retention-plan.ts";
import { sampleEntry } from "../../helpers/tui-catalog.ts";

function decision(name: string, action: "keep" | "delete", facts: { ino: number; size: number }) {
  const entry = sampleEntry("a", name, { dev: 7, ino: facts.ino, size: facts.size });
  return { entry, run: "/runs/a", action, reason: "", guarded: false } satisfies RetentionDecision;
}

describe("cataloguedFreedBytes", () => {
  test("each deletion frees its catalogued size; a hard link frees nothing while a name of it stays, and counts once; a kept one frees 0", () => {
    const decisions = [
      decision("a.ckpt", "delete", { ino: 1, size: 100 }),
      decision("b.ckpt", "keep", { ino: 2, size: 200 }),
      decision("b-link.ckpt", "delete", { ino: 2, size: 200 }),
      decision("c.ckpt", "delete", { ino: 3, size: 300 }),
      decision("c-link.ckpt", "delete", { ino: 3, size: 300 }),
    ];
    const bytes = cataloguedFreedBytes(decisions);
    expect(bytes).toEqual([100, 0, 0, 300, 0]);
  });
});
