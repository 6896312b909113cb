import { describe, expect, setDefaultTimeout, test } from "bun:test";
import { mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { interpretPickle } from "../../../src/core/formats/pickle/pickle-interpreter.ts";
import { toPlainJson } from "../../../src/core/formats/pickle/to-plain-json.ts";
import { scanPickleGlobals } from "../../../src/core/safety/pickle-global-scan.ts";
import { assessPickleSafety, classifyGlobal } from "../../../src/core/safety/pickle-safety.ts";
import { binUnicode, global, pk, shortUnicode } from "../../helpers/pickle-bytes.ts";
import { PROCESS_TEST_TIMEOUT_MS } from "../../helpers/process-budget.ts";
import { listRealFixtures } from "../../helpers/real-fixtures.ts";
import { readZipMembersWithPython } from "../../helpers/zip-members-oracle.ts";

setDefaultTimeout(PROCESS_TEST_TIMEOUT_MS);

const fixtures = await listRealFixtures();
const byName = (suffix: string) => {
  const found = fixtures.find((f) => f.name.endsWith(suffix));
  if (!found) throw new Error(`fixture ${suffix} missing`);
  return found;
};
// truncated_half.ckpt has no central directory, so there is no data.pkl to scan (truth lists no globals).
const withGlobals = fixtures.filter(
  (f) =>
    f.truth["container"] === "zip" && ((f.truth["pickle_globals"] as string[] | undefined) ?? []).length > 0,
);
const oracle = readZipMembersWithPython(withGlobals.map((f) => f.path));

describe("static global scan", () => {
  test.each(withGlobals.map((f) => [f.name, f] as const))(
    "%s lists pickle_globals exactly",
    (_name, fixture) => {
      const scan = scanPickleGlobals(oracle.dataPkl(fixture.path));
      const truth = fixture.truth["pickle_globals"] as string[];
      expect(scan.names).toEqual(truth.filter((name) => !name.startsWith("<pickle error>")));
    },
  );

  test("legacy torch file: five pickles, globals as the truth lists them", async () => {
    const fixture = byName("torch/legacy_format_checkpoint.pth");
    const scan = scanPickleGlobals(new Uint8Array(await Bun.file(fixture.path).arrayBuffer()), {
      maxPickles: 5,
    });
    expect(scan.pickles.length).toBe(5);
    expect(scan.error).toBeUndefined();
    expect(scan.names).toEqual(fixture.truth["pickle_globals"] as string[]);
  });

  test("corrupt data.pkl: interpretation fails naming the cause, the scan still lists the globals before it", () => {
    const bytes = oracle.dataPkl(byName("broken/corrupt_datapkl.ckpt").path);
    const result = interpretPickle(bytes);
    expect(result.success ? undefined : { code: result.error.code, offset: result.error.offset }).toEqual({
      code: "unknown-opcode",
      offset: 6216,
    });
    expect(result.success ? "" : result.error.message).toContain("byte 0xff is not a pickle opcode");
    const scan = scanPickleGlobals(bytes);
    expect(scan.names).toEqual([
      "collections.OrderedDict",
      "torch._utils._rebuild_tensor_v2",
      "torch.FloatStorage",
      "torch.LongStorage",
    ]);
    expect(scan.error?.offset).toBe(6216);
    expect(assessPickleSafety(scan).status).toBe("unknown");
  });
});

describe("assessPickleSafety", () => {
  test("the malicious fixture is unsafe and names posix.system", () => {
    const bytes = oracle.dataPkl(byName("broken/malicious_reduce.ckpt").path);
    const report = assessPickleSafety(scanPickleGlobals(bytes));
    expect(report).toEqual({
      status: "unsafe",
      dangerous: ["posix.system"],
      unknown: [],
      notes: [],
      globals: [{ name: "posix.system", class: "dangerous" }],
    });
  });

  test("interpreting the malicious pickle records the call and runs nothing", () => {
    const fixture = byName("broken/malicious_reduce.ckpt");
    const dir = mkdtempSync(join(tmpdir(), "ckpt-malicious-"));
    // A separate process: if anything executed `echo pwned`, it would show on that process's stdout.
    const code = [
      `import { interpretPickle } from ${JSON.stringify(join(import.meta.dir, "../../../src/core/formats/pickle/pickle-interpreter.ts"))};`,
      `import { toPlainJson } from ${JSON.stringify(join(import.meta.dir, "../../../src/core/formats/pickle/to-plain-json.ts"))};`,
      "const bytes = new Uint8Array(await Bun.stdin.arrayBuffer());",
      "const result = interpretPickle(bytes);",
      "process.stdout.write(JSON.stringify(result.success ? toPlainJson(result.data.value) : result.error));",
    ].join("\n");
    const child = Bun.spawnSync([process.execPath, "-e", code], {
      cwd: dir,
      stdin: oracle.dataPkl(fixture.path),
      stdout: "pipe",
    });
    expect(child.exitCode).toBe(0);
    const output = child.stdout.toString();
    expect(output).not.toContain("pwned\n");
    const expected = {
      epoch: 3,
      global_step: 24,
      state_dict: {},
      callbacks: { __reduce__: "posix.system", args: ["echo pwned"] },
    };
    expect(JSON.parse(output)).toEqual(expected);
    expect(readdirSync(dir)).toEqual([]);
    const inProcess = interpretPickle(oracle.dataPkl(fixture.path));
    expect(inProcess.success && toPlainJson(inProcess.data.value)).toEqual(expected);
  });

  test.each([
    ["collections", "OrderedDict", "safe"],
    ["torch._utils", "_rebuild_tensor_v2", "safe"],
    ["torch", "BFloat16Storage", "safe"],
    ["torch", "float8_e4m3fn", "safe"],
    ["__builtin__", "set", "safe"],
    ["__builtin__", "long", "safe"],
    ["_codecs", "encode", "safe"],
    ["numpy.core.multiarray", "scalar", "safe"],
    ["numpy._core.multiarray", "_reconstruct", "safe"],
    ["argparse", "Namespace", "expected"],
    ["omegaconf.dictconfig", "DictConfig", "expected"],
    ["typing", "Any", "expected"],
    ["ultralytics.nn.tasks", "DetectionModel", "expected"],
    ["torch.nn.modules.conv", "Conv2d", "expected"],
    ["pytorch_lightning.callbacks.model_checkpoint", "ModelCheckpoint", "expected"],
    ["posix", "system", "dangerous"],
    ["os.path", "join", "dangerous"],
    ["__builtin__", "eval", "dangerous"],
    ["builtins", "getattr", "dangerous"],
    ["functools", "partial", "dangerous"],
    ["torch.serialization", "load", "dangerous"],
    ["subprocess", "Popen", "dangerous"],
    ["fixture_models", "TinyCNN", "unknown"],
    ["exceptions", "ValueError", "unknown"],
  ] as const)("%s.%s is %s", (module, name, expected) => {
    expect(classifyGlobal(module, name)).toBe(expected);
  });

  test("structural findings: non-literal STACK_GLOBAL, second pickle, PROTO twice, EXT", () => {
    const obfuscated = pk(
      0x80,
      4,
      shortUnicode("o"),
      shortUnicode("s"),
      "0",
      shortUnicode("os"),
      "K",
      1,
      0x93,
      ".",
    );
    const report = assessPickleSafety(scanPickleGlobals(obfuscated));
    expect(report.status).toBe("unsafe");
    expect(report.notes[0]).toStartWith("stack-global-non-literal");

    const literal = pk(0x80, 4, shortUnicode("argparse"), 0x94, shortUnicode("Namespace"), 0x94, 0x93, ".");
    expect(scanPickleGlobals(literal).names).toEqual(["argparse.Namespace"]);
    const viaMemo = pk(
      0x80,
      4,
      shortUnicode("argparse"),
      0x94,
      "0",
      shortUnicode("Namespace"),
      "h",
      0,
      "0h",
      0,
      0x93,
      ".",
    );
    // The stack is modelled, so memoized operands resolve as CPython would resolve them (here they swap places).
    expect(scanPickleGlobals(viaMemo).names).toEqual(["Namespace.argparse"]);
    expect(scanPickleGlobals(viaMemo).findings).toEqual([]);
    const computed = pk(0x80, 4, global("builtins", "str"), shortUnicode("os"), 0x85, "R", 0x94, "0");
    const fromMemo = pk(computed, "h", 0, shortUnicode("system"), 0x93, ".");
    expect(scanPickleGlobals(fromMemo).findings.map((f) => f.kind)).toEqual(["stack-global-non-literal"]);

    const two = pk(0x80, 2, "N.", 0x80, 2, global("posix", "system"), ".");
    const twoReport = assessPickleSafety(scanPickleGlobals(two));
    expect(twoReport.dangerous).toEqual(["posix.system"]);
    expect(twoReport.notes).toEqual([
      "multiple-pickles at offset 4: 2 pickles follow each other in one stream",
    ]);

    const kinds = scanPickleGlobals(pk("N", 0x80, 2, 0x80, 2, 0x82, 1, ".")).findings.map((f) => f.kind);
    expect(kinds).toEqual(["proto-not-first", "proto-repeated", "ext-opcode"]);
  });

  test("a persistent id that is not a torch storage tuple is noted", () => {
    const bytes = pk(0x80, 2, "(", binUnicode("module"), "t", "Q.");
    const result = interpretPickle(bytes);
    if (!result.success) throw new Error(result.error.message);
    const report = assessPickleSafety(scanPickleGlobals(bytes), result.data.notes);
    expect(report.status).toBe("unknown");
    expect(report.notes).toEqual([
      "persistent-id-not-storage at offset 15: a persistent id is not a torch ('storage', …) tuple (tuple starting with 'module')",
    ]);
  });
});
