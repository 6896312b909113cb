import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { AppError } from "../core/errors/app-error.ts";
import { sidecarPathFor } from "../core/metadata/sidecar-path.ts";
import { shellWord } from "../core/text/shell-quote.ts";
import { startEmbeddedWatcher } from "../daemon/embedded-watcher.ts";
import { type DemoTraining, type DemoTrainingEvent, startDemoTraining } from "../demo/demo-training.ts";
import { openCatalogForReading } from "../io/catalog/catalog-db.ts";
import { primaryPaths } from "../io/catalog/sqlite-path-reads.ts";
import type { Command, CommandContext } from "./command.ts";
import { processControlOf } from "./daemon-socket.ts";
import { parseFlags } from "./parse-flags.ts";

const USAGE = `Usage: ckpt demo [DIR] [options]

A live demo on a fresh machine: simulated training writes real Lightning + Hydra runs (checkpoints, metrics.csv,
hparams.yaml, .hydra/) into DIR (default: a new temporary directory), the watcher indexes each checkpoint as it
finishes writing, and the terminal browser shows them appear. The demo's catalog lives inside DIR, never in your
own catalog. Ctrl-C stops everything; a temporary DIR is removed unless --keep.

Options:
  --no-tui             print the live log instead of opening the browser (also when not on a terminal)
  --epoch-seconds N    seconds between epochs of each run (default 3)
  --keep               keep the temporary directory (the demo prints how to browse it afterwards)
  -h, --help           show this help

Examples:
  ckpt demo                                  watch it live in the terminal browser
  ckpt demo --no-tui --epoch-seconds 1 --keep
  ckpt demo ./demo-runs --no-tui             into ./demo-runs, kept
`;

type DemoOptions = { readonly root: string; readonly temporary: boolean; readonly epochMs: number };

function describeTraining(event: DemoTrainingEvent): string {
  switch (event.kind) {
    case "epoch":
      return `train   ${event.run} epoch ${event.epoch} val/hmean ${event.hmean.toFixed(4)}`;
    case "checkpoint-written":
      return `train   ${event.run} saved ${event.path.split("/").slice(-1)[0]}`;
    case "checkpoint-removed":
      return `train   ${event.run} removed ${event.path.split("/").slice(-1)[0]} (fell out of the top 2)`;
    case "finished":
      return `train   ${event.run} finished`;
  }
}

/** Checkpoint files on disk (not `last.ckpt` links), absolute paths. */
function checkpointsOnDisk(root: string): string[] {
  const outputs = join(root, "outputs");
  return readdirSync(outputs, { recursive: true })
    .map((path) => join(outputs, String(path)))
    .filter((path) => path.endsWith(".ckpt") && !lstatSync(path).isSymbolicLink());
}

function indexedPaths(catalog: string): Set<string> {
  const opened = openCatalogForReading(catalog);
  if (!opened.success) return new Set();
  try {
    return primaryPaths(opened.data);
  } finally {
    opened.data.close();
  }
}

/** Caught up: the catalog holds exactly the checkpoints on disk, and each has its sidecar. */
function caughtUp(root: string, catalog: string): boolean {
  const onDisk = checkpointsOnDisk(root);
  const indexed = indexedPaths(catalog);
  return (
    indexed.size === onDisk.length &&
    onDisk.every((path) => indexed.has(path) && existsSync(sidecarPathFor(path, { kind: "file" })))
  );
}

async function waitUntilIndexed(root: string, catalog: string, interrupted: Promise<void>): Promise<boolean> {
  // Catching up takes a second or two; the bound is for a loaded machine, and the demo stops waiting at once.
  const deadline = Date.now() + 60_000;
  let stop = false;
  void interrupted.then(() => {
    stop = true;
  });
  while (!stop && Date.now() < deadline) {
    if (caughtUp(root, catalog)) return true;
    await Bun.sleep(100);
  }
  return false;
}

function optionsFrom(
  context: CommandContext,
): DemoOptions & { readonly tui: boolean; readonly keep: boolean } {
  const { values, positionals } = parseFlags("demo", context.args, {
    "no-tui": { type: "boolean", default: false },
    "epoch-seconds": { type: "string", default: "3" },
    keep: { type: "boolean", default: false },
  });
  if (values.help) return { root: "", temporary: false, epochMs: 0, tui: false, keep: true };
  const seconds = Number(values["epoch-seconds"]);
  if (!Number.isFinite(seconds) || seconds <= 0 || seconds > 600) {
    throw new AppError(
      "usage",
      `demo: --epoch-seconds must be a number of seconds between 0 and 600 (got '${values["epoch-seconds"]}')`,
    );
  }
  const [dir, ...extra] = positionals;
  if (extra.length > 0) throw new AppError("usage", "demo: takes at most one DIR");
  const root = dir === undefined ? mkdtempSync(join(tmpdir(), "ckpt-demo-")) : resolve(context.cwd, dir);
  mkdirSync(join(root, "outputs"), { recursive: true });
  return {
    root,
    temporary: dir === undefined,
    epochMs: seconds * 1000,
    tui: !values["no-tui"] && context.stdout.isTTY,
    keep: values.keep,
  };
}

/** The simulated training on real timers. */
function startTraining(
  context: CommandContext,
  options: DemoOptions,
  onEvent?: (event: DemoTrainingEvent) => void,
): DemoTraining {
  return startDemoTraining({
    root: options.root,
    epochMs: options.epochMs,
    now: context.now,
    setTimer: (callback, ms) => setTimeout(callback, ms),
    clearTimer: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
    ...(onEvent === undefined ? {} : { onEvent }),
  });
}

/** The log-only demo: training and watcher lines on stdout until every checkpoint is indexed, or Ctrl-C. */
async function runLogDemo(
  context: CommandContext,
  options: DemoOptions,
  interrupted: Promise<void>,
): Promise<void> {
  const catalog = join(options.root, "catalog.db");
  const line = (text: string) => context.stdout.write(`${text}\n`);
  const watcher = await startEmbeddedWatcher([join(options.root, "outputs")], catalog, {
    onEvent: (message) => line(`watch   ${message}`),
    now: context.now,
    // The demo's tree is its own: it shows sidecars being written as 'ckpt watch' would.
    sidecars: "write",
  });
  const training = startTraining(context, options, (event) => line(describeTraining(event)));
  await Promise.race([training.finished, interrupted]);
  training.stop();
  const caughtUp = await waitUntilIndexed(options.root, catalog, interrupted);
  await watcher.stop();
  line(caughtUp ? `demo    done: every checkpoint is indexed in ${catalog}` : "demo    stopped");
}

/** The interactive demo: training in the background, the browser in front (its own embedded watcher indexes). */
async function runTuiDemo(context: CommandContext, options: DemoOptions): Promise<number> {
  const { tuiCommand } = await import("./tui-command.ts");
  const training = startTraining(context, options);
  try {
    const args = [join(options.root, "outputs"), "--catalog", join(options.root, "catalog.db")];
    return await tuiCommand.run({ ...context, args });
  } finally {
    training.stop();
  }
}

/** Where the kept demo is, and the commands that browse it with its own catalog. */
function keptMessage(root: string): string {
  const catalog = shellWord(join(root, "catalog.db"));
  const outputs = shellWord(join(root, "outputs"));
  return [
    `ckpt: the demo tree is kept in ${root} (its catalog: ${join(root, "catalog.db")}); browse it with`,
    `  ckpt tui ${outputs} --catalog ${catalog}`,
    `  ckpt best ${outputs} --catalog ${catalog}`,
    "",
  ].join("\n");
}

async function run(context: CommandContext): Promise<number> {
  if (context.args.includes("--help") || context.args.includes("-h")) {
    context.stdout.write(USAGE);
    return 0;
  }
  const options = optionsFrom(context);
  const control = processControlOf(context, "demo");
  let interrupt: () => void = () => {};
  const interrupted = new Promise<void>((resolve) => {
    interrupt = resolve;
  });
  const unsubscribe = control.onSignal("SIGINT", () => interrupt());
  try {
    if (!options.tui) context.stdout.write(`demo    simulated training in ${options.root}\n`);
    if (options.tui) return await runTuiDemo(context, options);
    await runLogDemo(context, options, interrupted);
    return 0;
  } finally {
    unsubscribe();
    if (options.temporary && !options.keep) {
      rmSync(options.root, { recursive: true, force: true });
      if (!options.tui)
        context.stdout.write(`demo    removed the temporary tree ${options.root} (--keep keeps it)\n`);
    } else context.stderr.write(keptMessage(options.root));
  }
}

export const demoCommand: Command = {
  name: "demo",
  summary:
    "a live demo: simulated training writes checkpoints, the watcher indexes them, the browser shows them",
  usage: USAGE,
  run,
};
