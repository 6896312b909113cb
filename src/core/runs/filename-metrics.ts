import { z } from "zod";
import { AnyNumber, parsePythonFloat } from "./metric-series.ts";

export const CHECKPOINT_ROLES = ["last", "best", "recovery", "periodic"] as const;
export type CheckpointRole = (typeof CHECKPOINT_ROLES)[number];

/** What a checkpoint's file name says; nothing is guessed beyond what the name spells out. */
export const FilenameFacts = z.object({
  epoch: z.number().int().optional(),
  step: z.number().int().optional(),
  /** Values named in the file name, keyed as logged (`val/hmean`, `val_loss`, `hmean`). */
  metrics: z.record(z.string(), AnyNumber),
  role: z.enum(CHECKPOINT_ROLES).optional(),
  /** Lightning's collision counter: `name-v1.ckpt` → 1. */
  version: z.number().int().optional(),
});
export type FilenameFacts = z.infer<typeof FilenameFacts>;

/** A ModelCheckpoint `filename` template and its `auto_insert_metric_name` flag (default true, as in Lightning). */
export type CheckpointNameTemplate = { readonly filename: string; readonly autoInsertMetricName?: boolean };

const EXTENSIONS = [".pth.tar", ".safetensors", ".ckpt", ".pth", ".pt", ".bin", ".tar"] as const;
const NUMBER = String.raw`(?:[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?|nan|[-+]?inf)`;
const KEY_VALUE = new RegExp(`(?:^|-)([^=]+?)=(${NUMBER})(?=-|$)`, "g");
const NAME_NUMBER = /^([A-Za-z_]+?)(\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)$/;
const VERSION_SUFFIX = /-v(\d+)$/;

/** `{ stem, extension }`; a name without a known extension is a directory (HF `checkpoint-N/`). */
function splitExtension(name: string): { stem: string; extension: string } {
  const trimmed = name.replace(/\/+$/, "");
  const extension = EXTENSIONS.find((candidate) => trimmed.toLowerCase().endsWith(candidate)) ?? "";
  return { stem: trimmed.slice(0, trimmed.length - extension.length), extension };
}

/**
 * The checkpoint's name relative to its ModelCheckpoint dir when only a path is known: a metric name with `/`
 * (`val/hmean`) made Lightning write `epoch=2-step=24-val/hmean=0.8467.ckpt`, so parent segments that contain `=`
 * and end in a dangling `-name` are joined back.
 * @example checkpointNameFromPath("run/checkpoints/epoch=2-step=24-val/hmean=0.8467.ckpt") // "epoch=2-step=24-val/hmean=0.8467.ckpt"
 */
export function checkpointNameFromPath(path: string): string {
  const segments = path.replace(/\/+$/, "").split("/");
  let name = segments.pop() ?? "";
  for (let parent = segments.pop(); parent !== undefined; parent = segments.pop()) {
    const dangling = /(?:^|-)[^=-]+$/.test(parent) && parent.includes("=");
    if (!dangling || !/^[^=/-]+=/.test(name)) break;
    name = `${parent}/${name}`;
  }
  return name;
}

function assign(facts: FilenameFacts, key: string, value: number): void {
  if (key === "epoch" && Number.isInteger(value)) facts.epoch = value;
  else if (key === "step" && Number.isInteger(value)) facts.step = value;
  else facts.metrics[key] = value;
}

/** Fixed names of timm, Ultralytics, HF and Lightning `last`; undefined when the stem is not one of them. */
function knownName(stem: string, isDirectory: boolean): FilenameFacts | undefined {
  const last = /^last(?:-v?(\d+))?$/.exec(stem);
  if (last !== null) return { metrics: {}, role: "last", ...(last[1] ? { version: Number(last[1]) } : {}) };
  if (stem === "model_best" || stem === "best") return { metrics: {}, role: "best" };
  const numbered = /^checkpoint-(\d+)$/.exec(stem);
  if (numbered?.[1] !== undefined) {
    const position = isDirectory ? { step: Number(numbered[1]) } : { epoch: Number(numbered[1]) };
    return { metrics: {}, role: "periodic", ...position };
  }
  const recovery = /^recovery-(\d+)-(\d+)$/.exec(stem);
  if (recovery?.[1] !== undefined) return { metrics: {}, role: "recovery", epoch: Number(recovery[1]) };
  const ultralytics = /^epoch(\d+)$/.exec(stem);
  if (ultralytics?.[1] !== undefined) return { metrics: {}, role: "periodic", epoch: Number(ultralytics[1]) };
  return undefined;
}

/** Lightning-style names without a template: `key=value` tokens, else `<name><number>` tokens. */
function heuristicFacts(stem: string): FilenameFacts {
  const facts: FilenameFacts = { metrics: {} };
  const versioned = VERSION_SUFFIX.exec(stem);
  const body = versioned ? stem.slice(0, versioned.index) : stem;
  if (versioned?.[1] !== undefined) facts.version = Number(versioned[1]);
  if (body === "last" || body.endsWith("-last")) facts.role = "last";
  const pairs = [...body.matchAll(KEY_VALUE)];
  for (const [, key, value] of pairs) {
    const number = parsePythonFloat(value ?? "");
    if (key !== undefined && number !== undefined) assign(facts, key, number);
  }
  if (pairs.length > 0) return facts;
  for (const token of body.split("-")) {
    const match = NAME_NUMBER.exec(token);
    if (match?.[1] === undefined || match[2] === undefined) continue;
    const [, name, digits] = match;
    // A bare integer after a word is usually part of a name (`resnet50`), unless the word is epoch/step.
    if (name === "epoch" || name === "step" || digits.includes(".")) assign(facts, name, Number(digits));
  }
  return facts;
}

/**
 * Facts from a checkpoint name without knowing its template. `relativePath` is relative to the checkpoint dir
 * (see `checkpointNameFromPath`); a trailing `/` or no known extension marks a directory.
 * Handles Lightning `epoch=3-step=100`, `epoch=2-val_loss=0.12`, `-v1`, `last`/`last-v1`, `<name><float>` tokens
 * (`dbnet-epoch02-hmean0.9705`), timm `checkpoint-12`/`model_best`/`recovery-3-100`, Ultralytics
 * `epoch20`/`best`/`last`, HF `checkpoint-500/`. All-number names (`1-16-0.8027`) need `parseCheckpointNameWithTemplate`.
 */
export function parseCheckpointName(relativePath: string): FilenameFacts {
  const { stem, extension } = splitExtension(relativePath);
  return knownName(stem, extension === "") ?? heuristicFacts(stem);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** Turns a Lightning template into a regex with one numeric group per `{name[:spec]}`, in order. */
function templatePattern(template: CheckpointNameTemplate): { pattern: RegExp; names: string[] } {
  const names: string[] = [];
  let source = "";
  let rest = template.filename;
  for (
    let match = /\{([^:}]+)(?::[^}]*)?\}/.exec(rest);
    match !== null;
    match = /\{([^:}]+)(?::[^}]*)?\}/.exec(rest)
  ) {
    const name = match[1] ?? "";
    source += escapeRegExp(rest.slice(0, match.index));
    source += template.autoInsertMetricName === false ? "" : `${escapeRegExp(name)}=`;
    source += `(${NUMBER})`;
    names.push(name);
    rest = rest.slice(match.index + match[0].length);
  }
  source += escapeRegExp(rest);
  return { pattern: new RegExp(`^${source}(?:-v(\\d+))?$`), names };
}

/**
 * Reads values back through a known ModelCheckpoint template (Lightning stores none in the checkpoint; it comes from
 * the Hydra/hparams config), e.g. `{epoch}-{step}-{val/hmean:.4f}` with `autoInsertMetricName: false` on
 * `1-16-0.8027.ckpt`. Undefined when the name does not fit the template (then use `parseCheckpointName`).
 */
export function parseCheckpointNameWithTemplate(
  relativePath: string,
  template: CheckpointNameTemplate,
): FilenameFacts | undefined {
  const { stem } = splitExtension(relativePath);
  const { pattern, names } = templatePattern(template);
  const match = pattern.exec(stem);
  if (match === null) return undefined;
  const facts: FilenameFacts = { metrics: {} };
  names.forEach((name, index) => {
    const value = parsePythonFloat(match[index + 1] ?? "");
    if (value !== undefined) assign(facts, name, value);
  });
  const version = match[names.length + 1];
  if (version !== undefined) facts.version = Number(version);
  return facts;
}
