import { existsSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { AppError } from "../core/errors/app-error.ts";
import { type ConvertSummary, convertCheckpoints } from "../io/scan/convert-checkpoints.ts";
import type { Command, CommandContext, TextSink } from "./command.ts";
import { displayMessageFrom, displayPathFrom } from "./display-path.ts";
import { EXIT } from "./exit-codes.ts";
import { parseFlags } from "./parse-flags.ts";

const USAGE = `Usage: ckpt convert (--checkpoint PATH | --exp-dir DIR | --outputs-dir DIR) [options]

Writes a CheckpointMetadataV1 sidecar (<checkpoint>.metadata.yaml) next to each checkpoint, from the checkpoint
and its run's files (Hydra config, hparams.yaml, metrics.csv, TensorBoard events, timm/Ultralytics/HF files).
The same flags as the Python predecessor's convert_legacy_checkpoints.py.

Options:
  --checkpoint PATH   convert one checkpoint (paths in its sidecar are relative to the current directory)
  --exp-dir DIR       convert every checkpoint of one experiment (paths relative to DIR's parent)
  --outputs-dir DIR   convert every checkpoint under an outputs directory (paths relative to DIR)
  --force             rewrite existing sidecars (without it, an existing sidecar is never touched)
  --dry-run           show what would be converted; write nothing
  --no-recursive      only the given directory, not below it
  --follow-symlinks   read through symlinks that lead out of the directory too (by default they are skipped and
                      named); sidecars are still written only in real directories under it
  -v, --verbose       print every checkpoint, not only failures and warnings
  --json              print one summary object {converted, skipped, failed, total, dry_run, failures, …}
  -h, --help          show this help

A symlinked checkpoint (Lightning's last.ckpt) shares its target's sidecar. An unsafe pickle gets a sidecar whose
ckpt.safety says so, and a warning. Exit codes: 0 nothing failed, 1 some checkpoint failed, 2 usage error.

Examples:
  ckpt convert --outputs-dir outputs --dry-run        what would be written, writing nothing
  ckpt convert --exp-dir outputs/dbnet_r18 --force    rewrite one experiment's sidecars
  ckpt convert --checkpoint last.ckpt --json
`;

type Target = { readonly roots: string[]; readonly scanRoot: string };

function targetOf(
  values: { checkpoint?: string; "exp-dir"?: string; "outputs-dir"?: string },
  cwd: string,
): Target {
  const given = (["checkpoint", "exp-dir", "outputs-dir"] as const).filter(
    (flag) => values[flag] !== undefined,
  );
  if (given.length !== 1) {
    throw new AppError(
      "usage",
      "convert: pass exactly one of --checkpoint, --exp-dir, --outputs-dir. Run 'ckpt convert --help' for usage.",
    );
  }
  const flag = given[0] ?? "checkpoint";
  const path = resolve(cwd, values[flag] ?? ".");
  if (!existsSync(path))
    throw new AppError("not-found", `convert: ${path} does not exist; check the --${flag} path.`);
  if (flag !== "checkpoint" && !statSync(path).isDirectory()) {
    throw new AppError(
      "usage",
      `convert: --${flag} ${path} is not a directory; use --checkpoint for one file.`,
    );
  }
  const scanRoot = flag === "checkpoint" ? cwd : flag === "exp-dir" ? dirname(path) : path;
  return { roots: [path], scanRoot };
}

function progressWriter(sink: TextSink, display: (path: string) => string) {
  if (!sink.isTTY) return { onProgress: undefined, clear: () => {} };
  let width = 0;
  return {
    onProgress: (done: number, total: number, path: string) => {
      const line = `[${done}/${total}] ${display(path)}`.slice(0, 120);
      sink.write(`\r${line.padEnd(width)}`);
      width = line.length;
    },
    clear: () => width > 0 && sink.write(`\r${" ".repeat(width)}\r`),
  };
}

type Shown = { readonly path: (path: string) => string; readonly message: (message: string) => string };

function summaryJson(summary: ConvertSummary, shown: Shown): string {
  const display = shown.path;
  const pick = (status: string) =>
    summary.outcomes
      .filter((outcome) => outcome.status === status)
      .map((outcome) => ({
        path: display(outcome.path),
        reason: outcome.reason === undefined ? null : shown.message(outcome.reason),
      }));
  return `${JSON.stringify({
    converted: summary.converted,
    skipped: summary.skipped,
    failed: summary.failed,
    total: summary.total,
    dry_run: summary.dryRun,
    failures: pick("failed"),
    skipped_paths: pick("skipped"),
    sidecars: summary.outcomes.flatMap((outcome) =>
      outcome.status === "converted" && outcome.sidecar ? [display(outcome.sidecar)] : [],
    ),
    warnings: summary.outcomes.flatMap((outcome) => outcome.warnings.map(shown.message)),
  })}\n`;
}

function summaryText(summary: ConvertSummary, options: { verbose: boolean; shown: Shown }): string {
  const display = options.shown.path;
  const reason = (text: string | undefined) => (text === undefined ? "" : options.shown.message(text));
  const lines: string[] = [];
  for (const outcome of summary.outcomes) {
    const sidecar = outcome.sidecar ? display(outcome.sidecar) : "";
    if (outcome.status === "failed")
      lines.push(`failed: ${outcome.reason === undefined ? display(outcome.path) : reason(outcome.reason)}`);
    else if (!options.verbose) continue;
    else if (outcome.status === "converted") lines.push(`converted: ${display(outcome.path)} -> ${sidecar}`);
    else if (outcome.status === "would-convert")
      lines.push(`would convert: ${display(outcome.path)} -> ${sidecar}`);
    else lines.push(`skipped: ${display(outcome.path)} (${reason(outcome.reason)})`);
  }
  const converted = summary.dryRun ? "Would convert:          " : "Converted:               ";
  lines.push(
    "Conversion summary",
    `  Total checkpoints found: ${summary.total}`,
    `  ${converted}${summary.converted}`,
    `  Skipped (existing):      ${summary.skipped}`,
    `  Failed:                  ${summary.failed}`,
  );
  return `${lines.join("\n")}\n`;
}

async function run(context: CommandContext): Promise<number> {
  const { values } = parseFlags("convert", context.args, {
    checkpoint: { type: "string" },
    "exp-dir": { type: "string" },
    "outputs-dir": { type: "string" },
    force: { type: "boolean", default: false },
    "dry-run": { type: "boolean", default: false },
    "no-recursive": { type: "boolean", default: false },
    "follow-symlinks": { type: "boolean", default: false },
    verbose: { type: "boolean", short: "v", default: false },
    json: { type: "boolean", default: false },
  });
  if (values.help) {
    context.stdout.write(USAGE);
    return EXIT.ok;
  }
  const target = targetOf(values, context.cwd);
  const shown: Shown = { path: displayPathFrom(context.cwd), message: displayMessageFrom(context.cwd) };
  const progress = progressWriter(context.stderr, shown.path);
  const summary = await convertCheckpoints({
    ...target,
    recursive: !values["no-recursive"],
    followSymlinks: values["follow-symlinks"],
    force: values.force,
    dryRun: values["dry-run"],
    now: context.now,
    generatorVersion: context.version,
    ...(progress.onProgress ? { onProgress: progress.onProgress } : {}),
  });
  progress.clear();
  for (const warning of summary.outcomes.flatMap((outcome) => outcome.warnings)) {
    context.stderr.write(`ckpt: warning: ${shown.message(warning)}\n`);
  }
  context.stdout.write(
    values.json ? summaryJson(summary, shown) : summaryText(summary, { verbose: values.verbose, shown }),
  );
  return summary.failed === 0 ? EXIT.ok : EXIT.findings;
}

export const convertCommand: Command = {
  name: "convert",
  summary: "write a metadata sidecar for every checkpoint (the legacy conversion tool)",
  usage: USAGE,
  run,
};
