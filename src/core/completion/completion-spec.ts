import type { UsageFlag } from "./usage-flags.ts";

/** What a command's operands are: paths (the default), command names (`help`), shells (`completion`). */
export type OperandKind = "paths" | "commands" | "shells" | "none";

export type CompletionCommand = {
  readonly name: string;
  readonly summary: string;
  readonly flags: readonly UsageFlag[];
  readonly operands: OperandKind;
};

/** Flags whose values are metric names, asked of `ckpt __complete metrics` when the user presses Tab. */
export type MetricFlag = {
  /** Fixed choices offered with the metric names (sort fields, column ids). */
  readonly extra: readonly string[];
  /** A comma-separated list (`--columns`): each item completes on its own. */
  readonly commaList: boolean;
  /** A leading `-` is allowed (`--sort -hmean`). */
  readonly signed: boolean;
};

/** Everything a completion script knows, gathered once when the script is printed. */
export type CompletionSpec = {
  readonly commands: readonly CompletionCommand[];
  /** Flags with a fixed set of values, by flag name (`sidecars` → write, read, off). */
  readonly choices: Readonly<Record<string, readonly string[]>>;
  readonly metricFlags: Readonly<Record<string, MetricFlag>>;
  readonly shells: readonly string[];
};

/** How a flag's value completes: fixed choices, metric names, files, directories, or not at all (numbers, text). */
export type ValueKind = "choices" | "metrics" | "files" | "directories" | "none";

export function valueKind(spec: CompletionSpec, flag: UsageFlag): ValueKind {
  if (Object.hasOwn(spec.choices, flag.name)) return "choices";
  if (Object.hasOwn(spec.metricFlags, flag.name)) return "metrics";
  if (flag.value === "PATH") return "files";
  if (flag.value === "DIR") return "directories";
  return "none";
}

/** Every flag that takes a value, once, with how it completes; the same name means the same thing everywhere. */
export function valueFlags(spec: CompletionSpec): { name: string; kind: ValueKind }[] {
  const seen = new Map<string, ValueKind>();
  for (const flag of spec.commands.flatMap((command) => command.flags)) {
    if (flag.value !== null && !seen.has(flag.name)) seen.set(flag.name, valueKind(spec, flag));
  }
  return [...seen].map(([name, kind]) => ({ name, kind }));
}
