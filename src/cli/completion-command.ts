import { SIDECAR_MODES } from "../core/catalog/catalog-constants.ts";
import { SORT_KEYWORDS } from "../core/catalog/entry-query.ts";
import { LS_COLUMN_IDS } from "../core/catalog/ls-columns.ts";
import { renderBashCompletion } from "../core/completion/bash-completion.ts";
import type { CompletionCommand, CompletionSpec, OperandKind } from "../core/completion/completion-spec.ts";
import { renderFishCompletion } from "../core/completion/fish-completion.ts";
import { usageFlags } from "../core/completion/usage-flags.ts";
import { renderZshCompletion } from "../core/completion/zsh-completion.ts";
import { AppError } from "../core/errors/app-error.ts";
import { didYouMean, nearestNames } from "../core/suggestions/nearest-names.ts";
import { WATCHER_BACKENDS } from "../daemon/event-source.ts";
import { LOG_FORMATS } from "../io/process/logger.ts";
import type { Command, CommandContext } from "./command.ts";
import type { CommandEntry } from "./command-registry.ts";
import { parseFlags } from "./parse-flags.ts";

export const SHELLS = ["bash", "zsh", "fish"] as const;

const USAGE = `Usage: ckpt completion ${SHELLS.join("|")}

Prints a shell completion script: commands, their options, fixed option values (--sidecars, --log-format,
--watcher), paths, and metric names for --sort, --metric and --columns. Metric names are asked of
'ckpt __complete metrics' when you press Tab: the canonical names plus those logged in the catalog (read from
the catalog, never by scanning; the catalog of a --catalog on the command line).

Options:
  -h, --help    show this help

Examples:
  source <(ckpt completion bash)      bash: add this line to ~/.bashrc
  source <(ckpt completion zsh)       zsh: add this line to ~/.zshrc, after compinit
  ckpt completion fish > ~/.config/fish/completions/ckpt.fish
`;

/** Operands other than paths; `help` and `version` are answered by run-cli itself. */
const OPERANDS: Readonly<Record<string, OperandKind>> = {
  completion: "shells",
  help: "commands",
  version: "none",
  info: "none",
  status: "none",
  stop: "none",
};

/** Every listed command's flags, read from its `--help` text: the one list of flags a user sees. */
export async function completionSpec(entries: readonly CommandEntry[]): Promise<CompletionSpec> {
  const loaded = await Promise.all(
    entries.map(async (entry): Promise<CompletionCommand> => {
      const command = await entry.load();
      const operands = OPERANDS[entry.name] ?? "paths";
      return { name: entry.name, summary: entry.summary, flags: usageFlags(command.usage), operands };
    }),
  );
  const builtIn = (name: string, summary: string): CompletionCommand => ({
    name,
    summary,
    flags: [],
    operands: OPERANDS[name] ?? "none",
  });
  return {
    commands: [...loaded, builtIn("help", "show a command's help"), builtIn("version", "print the version")],
    choices: { sidecars: SIDECAR_MODES, "log-format": LOG_FORMATS, watcher: WATCHER_BACKENDS },
    metricFlags: {
      sort: { extra: SORT_KEYWORDS, commaList: false, signed: true },
      metric: { extra: [], commaList: false, signed: false },
      columns: { extra: LS_COLUMN_IDS, commaList: true, signed: false },
    },
    shells: SHELLS,
  };
}

const RENDERERS = {
  bash: renderBashCompletion,
  zsh: renderZshCompletion,
  fish: renderFishCompletion,
} as const;

async function run(context: CommandContext, entries: readonly CommandEntry[]): Promise<number> {
  const { values, positionals } = parseFlags("completion", context.args, {});
  if (values.help) {
    context.stdout.write(USAGE);
    return 0;
  }
  const [shell, ...extra] = positionals;
  if (shell === undefined || extra.length > 0) {
    throw new AppError("usage", `completion: name one shell: ${SHELLS.join(", ")} (ckpt completion bash)`);
  }
  const chosen = SHELLS.find((name) => name === shell);
  if (chosen === undefined) {
    const hint = didYouMean(nearestNames(shell, SHELLS));
    throw new AppError(
      "usage",
      `completion: unknown shell '${shell}'.${hint === "" ? "" : ` ${hint}`} Use one of ${SHELLS.join(", ")}.`,
    );
  }
  context.stdout.write(RENDERERS[chosen](await completionSpec(entries)));
  return 0;
}

/** The registry passes its visible commands in (importing it here would make an import cycle). */
export function completionCommandFor(entries: readonly CommandEntry[]): Command {
  return {
    name: "completion",
    summary: "print a shell completion script: ckpt completion bash|zsh|fish",
    usage: USAGE,
    run: (context) => run(context, entries),
  };
}
