import { assertNever } from "../assert-never.ts";
import { shellQuote } from "../text/shell-quote.ts";
import { type CompletionSpec, valueFlags } from "./completion-spec.ts";

const words = (list: readonly string[]) => list.map(shellQuote).join(" ");

function described(entries: readonly { name: string; description: string }[]): string {
  return entries
    .map((entry) => shellQuote(`${entry.name.replaceAll(":", "\\:")}:${entry.description}`))
    .join(" ");
}

function flagCases(spec: CompletionSpec): string {
  return spec.commands
    .map((command) => {
      const flags = command.flags.map((flag) => ({ name: `--${flag.name}`, description: flag.description }));
      const takesValue = command.flags.filter((flag) => flag.value !== null).map((flag) => `--${flag.name}`);
      return [
        `    ${shellQuote(command.name)})`,
        `      flags=(${described(flags)})`,
        `      valued=(${words(takesValue)}) ;;`,
      ].join("\n");
    })
    .join("\n");
}

function valueCases(spec: CompletionSpec): string {
  return valueFlags(spec)
    .flatMap(({ name, kind }) => {
      const flag = shellQuote(`--${name}`);
      switch (kind) {
        case "choices":
          return [`    ${flag}) compadd -- ${words(spec.choices[name] ?? [])} ;;`];
        case "metrics": {
          const metric = spec.metricFlags[name];
          const options = `${metric?.signed ? "signed" : "-"} ${metric?.commaList ? "list" : "-"}`;
          return [`    ${flag}) _ckpt_metric_value ${options} ${words(metric?.extra ?? [])} ;;`];
        }
        case "files":
          return [`    ${flag}) _files ;;`];
        case "directories":
          return [`    ${flag}) _files -/ ;;`];
        case "none":
          return [];
        default:
          return assertNever(kind);
      }
    })
    .join("\n");
}

function operandCases(spec: CompletionSpec): string {
  const of = (kind: string) =>
    spec.commands.filter((command) => command.operands === kind).map((command) => shellQuote(command.name));
  return [
    `    ${of("commands").join("|") || "''"}) compadd -- ${words(spec.commands.map((command) => command.name))} ;;`,
    `    ${of("shells").join("|") || "''"}) compadd -- ${words(spec.shells)} ;;`,
    `    ${of("none").join("|") || "''"}) ;;`,
    "    *) _files ;;",
  ].join("\n");
}

const HELPERS = `# Metric names from the catalog on this command line (its canonical names when there is none).
_ckpt_metric_names() {
  local i catalog=
  for ((i = 3; i < CURRENT; i++)); do
    [[ \${words[i]} == --catalog=* ]] && catalog=\${words[i]#--catalog=}
    [[ \${words[i-1]} == --catalog ]] && catalog=\${words[i]}
  done
  catalog=\${catalog/#\\~/$HOME}
  if [[ -n $catalog ]]; then
    \${words[1]} __complete metrics --catalog "$catalog" 2>/dev/null
  else
    \${words[1]} __complete metrics 2>/dev/null
  fi
}

# $1 "signed" when a leading - is allowed, $2 "list" for comma lists, then fixed choices.
_ckpt_metric_value() {
  local signed=$1 list=$2
  shift 2
  [[ $list == list ]] && compset -P '*,'
  [[ $signed == signed ]] && compset -P '-'
  local -a names
  names=("$@" \${(f)"$(_ckpt_metric_names)"})
  compadd -a names
}`;

// The entry point compsys calls: which word is being completed decides what to offer.
const DISPATCH = `_ckpt() {
  local command=\${words[2]} prev=\${words[CURRENT-1]}
  local -a commands flags valued
  if (( CURRENT == 2 )); then
    _ckpt_commands
    _describe -t commands 'ckpt command' commands
    return
  fi
  _ckpt_options $command
  if [[ $PREFIX == --*=* ]]; then
    local flag=\${PREFIX%%=*}
    compset -P '*='
    _ckpt_value $flag
  elif [[ $prev == --* && $prev != *=* && \${valued[(Ie)$prev]} -gt 0 ]]; then
    _ckpt_value $prev
  elif [[ $PREFIX == -* ]]; then
    _describe -t options 'ckpt option' flags
  else
    _ckpt_operand $command
  fi
}

if [[ \${zsh_eval_context[-1]} == loadautofunc ]]; then
  _ckpt "$@"
else
  compdef _ckpt ckpt
fi`;

function caseFunction(name: string, cases: string): string {
  return `${name}() {\n  case $1 in\n${cases}\n  esac\n}`;
}

/**
 * The zsh completion script (native compsys): commands and flags with descriptions, fixed flag values, paths, and
 * metric names asked of `ckpt __complete metrics` at Tab time. Load with `source <(ckpt completion zsh)` after
 * `compinit`, or save it as `_ckpt` in a directory on `$fpath`.
 */
export function renderZshCompletion(spec: CompletionSpec): string {
  const commands = spec.commands.map((command) => ({ name: command.name, description: command.summary }));
  return [
    "#compdef ckpt\n# ckpt completion for zsh. Load it from ~/.zshrc after compinit:  source <(ckpt completion zsh)",
    HELPERS,
    `_ckpt_commands() {\n  commands=(${described(commands)})\n}`,
    caseFunction("_ckpt_options", flagCases(spec)),
    caseFunction("_ckpt_value", valueCases(spec)),
    caseFunction("_ckpt_operand", operandCases(spec)),
    DISPATCH,
    "",
  ].join("\n\n");
}
