// Builds the single-file ckpt binary with `bun build --compile`.
//   bun scripts/build-binary.ts                 host target → dist/ckpt
//   bun scripts/build-binary.ts --all           every release target → dist/ckpt-<os>-<arch>, plus dist/SHA256SUMS
//   bun scripts/build-binary.ts --outfile PATH  host target → PATH (tests)
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { parseArgs } from "node:util";
import type { Build, BunPlugin } from "bun";
import packageJson from "../package.json" with { type: "json" };
import { READ_WORKER_MODULE } from "../src/io/scan/read-workers.ts";

/** Release targets: name in dist/ → Bun compile target. musl covers Alpine and other musl distributions. */
const RELEASE_TARGETS = {
  "linux-x64": "bun-linux-x64",
  "linux-arm64": "bun-linux-arm64",
  "darwin-arm64": "bun-darwin-arm64",
  "linux-x64-musl": "bun-linux-x64-musl",
} as const satisfies Record<string, Build.CompileTarget>;

// Ink imports react-devtools-core behind a DEV check; Bun resolves the import before dead-code elimination,
// and `external` compiles but crashes at start. Resolve it to an inert module instead.
const stubReactDevtools: BunPlugin = {
  name: "stub-react-devtools-core",
  setup(build) {
    build.onResolve({ filter: /^react-devtools-core$/ }, (args) => ({
      path: args.path,
      namespace: "ckpt-stub",
    }));
    build.onLoad({ filter: /.*/, namespace: "ckpt-stub" }, () => ({
      contents: "export default { initialize() {}, connectToDevTools() {} };",
      loader: "js",
    }));
  },
};

function gitCommit(): string {
  const result = Bun.spawnSync(["git", "rev-parse", "--short=12", "HEAD"], { stderr: "ignore" });
  const commit = result.stdout.toString().trim();
  return result.exitCode === 0 && commit.length > 0 ? commit : "unknown";
}

async function buildOne(
  outfile: string,
  target: Build.CompileTarget | undefined,
  commit: string,
): Promise<void> {
  mkdirSync(dirname(outfile), { recursive: true });
  const result = await Bun.build({
    // The catalog scan's read worker must be an entrypoint to be embedded (bun docs, executables: Worker).
    entrypoints: ["src/main.ts", `src/${READ_WORKER_MODULE}`],
    compile: { outfile, autoloadDotenv: false, autoloadBunfig: false, ...(target ? { target } : {}) },
    target: "bun",
    // Bytecode skips parsing at start-up; it needs ESM output because Ink and yoga use top-level await.
    format: "esm",
    bytecode: true,
    // One chunk per lazily loaded command: an ESM bundle hoists every module's `import` of a built-in (node:zlib,
    // bun:ffi, node:crypto, node:stream…) to its top, so without chunks `ckpt --version` loaded all of them.
    splitting: true,
    minify: true,
    // Without this Bun inlines NODE_ENV "development" and the TUI runs React's slow development build.
    define: {
      CKPT_BUILD_COMMIT: JSON.stringify(commit),
      "process.env.NODE_ENV": JSON.stringify("production"),
    },
    plugins: [stubReactDevtools],
  });
  if (!result.success) {
    for (const log of result.logs) console.error(log);
    throw new Error(`build failed for ${target ?? "host"}`);
  }
  console.log(`built ${outfile} (ckpt ${packageJson.version} ${commit}${target ? `, ${target}` : ""})`);
}

function writeChecksums(files: readonly string[], path: string): void {
  const lines = files.map(
    (file) => `${createHash("sha256").update(readFileSync(file)).digest("hex")}  ${basename(file)}`,
  );
  writeFileSync(path, `${lines.join("\n")}\n`);
  console.log(`wrote ${path}`);
}

const { values } = parseArgs({
  args: Bun.argv.slice(2),
  options: { outfile: { type: "string" }, all: { type: "boolean", default: false } },
  strict: true,
});
const commit = gitCommit();

if (values.all) {
  const built: string[] = [];
  for (const [name, target] of Object.entries(RELEASE_TARGETS)) {
    const outfile = join("dist", `ckpt-${name}`);
    await buildOne(outfile, target, commit);
    built.push(outfile);
  }
  writeChecksums(built, join("dist", "SHA256SUMS"));
} else {
  await buildOne(values.outfile ?? join("dist", "ckpt"), undefined, commit);
}
