import { describe, expect, test } from "bun:test";
import { VISIBLE_COMMANDS } from "../../src/cli/command-registry.ts";
import { usageFlags } from "../../src/core/completion/usage-flags.ts";
import { runCliInProcess } from "../helpers/run-cli-in-process.ts";
import { makeTempDir } from "../helpers/temp-dir.ts";

const run = (argv: readonly string[], cwd = "/") => runCliInProcess(argv, { cwd });

describe("help and version", () => {
  test("'ckpt help CMD' and 'ckpt --help CMD' print what 'ckpt CMD --help' prints", async () => {
    for (const entry of VISIBLE_COMMANDS) {
      const own = await run([entry.name, "--help"]);
      expect(own).toMatchObject({ exitCode: 0, stderr: "" });
      expect(own.stdout).toStartWith(`Usage: ckpt ${entry.name}`);
      expect(await run(["help", entry.name])).toEqual(own);
      expect(await run(["--help", entry.name])).toEqual(own);
    }
  });

  test("'ckpt help' is the general help on stdout; bare 'ckpt' prints it on stderr and exits 2", async () => {
    const help = await run(["help"]);
    expect(help).toMatchObject({ exitCode: 0, stderr: "" });
    expect(help.stdout).toStartWith("ckpt 0.0.0-test — a checkpoint catalog");
    expect(await run(["--help"])).toEqual(help);
    expect(await run(["-h"])).toEqual(help);
    expect(await run([])).toEqual({ exitCode: 2, stdout: "", stderr: help.stdout });
  });

  test("the general help lists every visible command and no hidden one", async () => {
    const { stdout } = await run(["help"]);
    for (const entry of VISIBLE_COMMANDS) expect(stdout).toContain(`\n  ${entry.name} `);
    expect(stdout).not.toContain("__complete");
    expect(await run(["help", "__complete"])).toMatchObject({ exitCode: 2, stdout: "" });
  });

  test("-V, --version and 'version' print the version", async () => {
    for (const flag of ["-V", "--version", "version"]) {
      expect(await run([flag])).toEqual({ exitCode: 0, stdout: "ckpt 0.0.0-test\n", stderr: "" });
    }
  });
});

describe("every command's help", () => {
  for (const entry of VISIBLE_COMMANDS) {
    test(`${entry.name}: ends with Examples whose options are documented above them`, async () => {
      const { stdout } = await run([entry.name, "--help"]);
      const [body, examples] = stdout.split("\nExamples:\n");
      expect(examples).toBeDefined();
      const lines = (examples ?? "").trimEnd().split("\n");
      expect(lines.length).toBeGreaterThan(0);
      const documented = new Set(usageFlags(body ?? "").map((flag) => flag.name));
      for (const line of lines) {
        expect(line).toMatch(new RegExp(`^  (ckpt ${entry.name}|source <\\(ckpt ${entry.name})\\b`));
        const command = line.split(/ {2,}/)[1] ?? "";
        const used = [...command.matchAll(/ --([a-z][a-z-]*)/g)].map((match) => match[1]);
        expect(used.filter((flag) => flag !== undefined && !documented.has(flag))).toEqual([]);
      }
    });

    test(`${entry.name}: every option its help documents is accepted`, async () => {
      using dir = makeTempDir("usage-flags");
      const { stdout: usage } = await run([entry.name, "--help"]);
      for (const flag of usageFlags(usage)) {
        const args = flag.value === null ? [`--${flag.name}`] : [`--${flag.name}`, "x"];
        const result = await run([entry.name, ...args, "--help"], dir.path);
        expect({ flag: flag.name, exitCode: result.exitCode, stderr: result.stderr }).toEqual({
          flag: flag.name,
          exitCode: 0,
          stderr: "",
        });
      }
    });
  }
});
