// Builds the single-file ckpt binary with `bun build --compile`.
//   bun scripts/build-binary.ts                 host target → dist/ckpt
//   bun scripts/build-binary.ts --outfile PATH  host target → PATH
import { parseArgs } from "node:util";
import type { BunPlugin } from "bun";
import packageJson from "../package.json" with { type: "json" };

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

const { values } = parseArgs({
  args: Bun.argv.slice(2),
  options: { outfile: { type: "string", default: "dist/ckpt" } },
  strict: true,
});

const outfile = values.outfile;
const result = await Bun.build({
  entrypoints: ["src/main.ts"],
  compile: { outfile, autoloadDotenv: false, autoloadBunfig: false },
  target: "bun",
  format: "esm",
  minify: true,
  define: { CKPT_BUILD_COMMIT: JSON.stringify(gitCommit()) },
  plugins: [stubReactDevtools],
});

if (!result.success) {
  for (const log of result.logs) console.error(log);
  process.exit(1);
}
console.log(`built ${outfile} (ckpt ${packageJson.version})`);
