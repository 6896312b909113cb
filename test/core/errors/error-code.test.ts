import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { errorCodeOf } from "../../../src/core/errors/error-code.ts";

function thrownBy(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error("expected the action to throw");
}

test("the code a thrown error carries, or null", () => {
  const missing = thrownBy(() => readFileSync("/nonexistent/ckpt-error-code"));
  const s3 = Object.assign(new Error("The specified key does not exist."), { code: "NoSuchKey" });
  expect([
    errorCodeOf(missing),
    errorCodeOf(s3),
    errorCodeOf(new Error("plain")),
    errorCodeOf("ENOENT"),
    errorCodeOf(null),
    errorCodeOf({ code: undefined }),
    errorCodeOf({ code: 13 }),
  ]).toEqual(["ENOENT", "NoSuchKey", null, null, null, null, "13"]);
});
