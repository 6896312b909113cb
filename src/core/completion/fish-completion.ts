import { assertNever } from "../assert-never.ts";
import { type CompletionSpec, valueKind } from "./completion-spec.ts";

/** fish single quotes: only `\` and `'` are escaped. */
function fishQuote(text: string): string {
  return `'${text.replace(/[\\']/g, "\\$&")}'`;
}

const HELPERS = `# Metric names from the catalog on this command line (its canonical names when there is none).
function __ckpt_metric_names
    set -l tokens (commandline -opc)
    set -l catalog
    for i in (seq 2 (count $tokens))
        switch $tokens[$i]
            case '--catalog=*'
                set catalog (string replace -- '--catalog=' '' $tokens[$i])
            case --catalog
                if test $i -lt (count $tokens)
                    set catalog $tokens[(math $i + 1)]
                end
        end
    end
    if set -q catalog[1]
        $tokens[1] __complete metrics --catalog $catalog 2>/dev/null
    else
        $tokens[1] __complete metrics 2>/dev/null
    end
end

# $argv[1] "signed" when a leading - is allowed, $argv[2] "list" for comma lists, then fixed choices.
function __ckpt_metric_value
    set -l signed $argv[1]
    set -l list $argv[2]
    set -e argv[1..2]
    set -l token (string replace -r -- '^--[a-z-]+=' '' (commandline -ct))
    set -l prefix ''
    if test $list = list
        set prefix (string match -r -- '^.*,' $token)
    else if test $signed = signed; and string match -q -- '-*' $token
        set prefix -
    end
    for name in $argv (__ckpt_metric_names)
        printf '%s%s\\n' $prefix $name
    end
end`;

function commandLines(spec: CompletionSpec): string[] {
  return spec.commands.flatMap((command) => {
    const when = fishQuote(`__fish_seen_subcommand_from ${command.name}`);
    const top = `complete -c ckpt -n __fish_use_subcommand -a ${fishQuote(command.name)} -d ${fishQuote(command.summary)}`;
    const operands =
      command.operands === "commands"
        ? [`complete -c ckpt -n ${when} -a ${fishQuote(spec.commands.map((c) => c.name).join(" "))}`]
        : command.operands === "shells"
          ? [`complete -c ckpt -n ${when} -a ${fishQuote(spec.shells.join(" "))}`]
          : command.operands === "paths"
            ? [`complete -c ckpt -n ${when} -F`]
            : [];
    const flags = command.flags.map((flag) => {
      const head = `complete -c ckpt -n ${when} -l ${flag.name}${flag.short === null ? "" : ` -s ${flag.short}`}`;
      return `${head}${flagValue(spec, flag)} -d ${fishQuote(flag.description)}`;
    });
    return [top, ...operands, ...flags];
  });
}

function flagValue(spec: CompletionSpec, flag: CompletionSpec["commands"][number]["flags"][number]): string {
  if (flag.value === null) return "";
  const kind = valueKind(spec, flag);
  switch (kind) {
    case "choices":
      return ` -x -a ${fishQuote((spec.choices[flag.name] ?? []).join(" "))}`;
    case "metrics": {
      const metric = spec.metricFlags[flag.name];
      const call = `__ckpt_metric_value ${metric?.signed ? "signed" : "-"} ${metric?.commaList ? "list" : "-"} ${(metric?.extra ?? []).join(" ")}`;
      return ` -x -a ${fishQuote(`(${call})`)}`;
    }
    case "files":
      return " -r -F";
    case "directories":
      return ` -x -a ${fishQuote("(__fish_complete_directories)")}`;
    case "none":
      return " -x";
    default:
      return assertNever(kind);
  }
}

/**
 * The fish completion script: commands and flags with descriptions, fixed flag values, paths, and metric names
 * asked of `ckpt __complete metrics` at Tab time. Load with `ckpt completion fish | source`, or save it as
 * `~/.config/fish/completions/ckpt.fish`.
 */
export function renderFishCompletion(spec: CompletionSpec): string {
  return [
    "# ckpt completion for fish:  ckpt completion fish > ~/.config/fish/completions/ckpt.fish",
    HELPERS,
    "",
    "complete -c ckpt -f",
    ...commandLines(spec),
    "",
  ].join("\n");
}
