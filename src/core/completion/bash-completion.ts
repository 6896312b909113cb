import { assertNever } from "../assert-never.ts";
import { shellQuote } from "../text/shell-quote.ts";
import { type CompletionSpec, valueFlags } from "./completion-spec.ts";

const words = (list: readonly string[]) => list.map(shellQuote).join(" ");

function flagCases(
  spec: CompletionSpec,
  select: (flag: CompletionSpec["commands"][number]["flags"][number]) => boolean,
) {
  return spec.commands
    .map((command) => {
      const flags = command.flags.filter(select).map((flag) => `--${flag.name}`);
      return `    ${shellQuote(command.name)}) printf '%s\\n' ${words(flags)} ;;`;
    })
    .join("\n");
}

function valueCases(spec: CompletionSpec): string {
  return valueFlags(spec)
    .flatMap(({ name, kind }) => {
      const flag = shellQuote(`--${name}`);
      switch (kind) {
        case "choices":
          return [
            `    ${flag}) _ckpt_add "$value" "$prefix" < <(printf '%s\\n' ${words(spec.choices[name] ?? [])}) ;;`,
          ];
        case "metrics": {
          const metric = spec.metricFlags[name];
          const options = `${metric?.signed ? "signed" : "-"} ${metric?.commaList ? "list" : "-"}`;
          return [
            `    ${flag}) _ckpt_metric_value "$value" "$prefix" ${options} ${words(metric?.extra ?? [])} ;;`,
          ];
        }
        case "files":
          return [`    ${flag}) _ckpt_paths -f "$value" ;;`];
        case "directories":
          return [`    ${flag}) _ckpt_paths -d "$value" ;;`];
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
    spec.commands.filter((command) => command.operands === kind).map((c) => shellQuote(c.name));
  return [
    `    ${of("commands").join("|") || "''"}) _ckpt_add "$cur" "" < <(_ckpt_commands) ;;`,
    `    ${of("shells").join("|") || "''"}) _ckpt_add "$cur" "" < <(printf '%s\\n' ${words(spec.shells)}) ;;`,
    `    ${of("none").join("|") || "''"}) ;;`,
    `    *) _ckpt_paths -f "$cur" ;;`,
  ].join("\n");
}

/** Helpers that do not depend on the spec: word joining, safe candidate filtering, paths, metric names. */
const HELPERS = `# bash splits "--sort=hm" at '=': join such words back, so the rest sees "--sort=hm".
_ckpt_words() {
  words=() cword=0
  local i word glue=0
  for ((i = 0; i < \${#COMP_WORDS[@]}; i++)); do
    word=\${COMP_WORDS[i]}
    if ((glue)); then
      words[\${#words[@]} - 1]+=$word glue=0
    elif [[ $word == "=" && \${#words[@]} -gt 0 && \${words[\${#words[@]} - 1]} == --* ]]; then
      words[\${#words[@]} - 1]+="=" glue=1
    else
      words+=("$word")
    fi
    ((i == COMP_CWORD)) && cword=$((\${#words[@]} - 1))
  done
}

# Adds each line of stdin that starts with $1, after the prefix $2, quoted for the shell when it must be. Names
# from the catalog are compared as text, never expanded (compgen -W would expand them).
_ckpt_add() {
  local typed=$1 prefix=$2 name word
  while IFS= read -r name; do
    [[ -n $name && $name == "$typed"* ]] || continue
    word=$prefix$name
    [[ $word == *[!A-Za-z0-9_@%+=:,./-]* ]] && printf -v word '%q' "$word"
    COMPREPLY+=("$word")
  done
}

_ckpt_paths() {
  local path
  compopt -o filenames 2>/dev/null
  while IFS= read -r path; do COMPREPLY+=("$path"); done < <(compgen "$1" -- "$2")
}

# Metric names from the catalog on this command line (its canonical names when there is none).
_ckpt_metric_names() {
  local i catalog=
  for ((i = 2; i < \${#words[@]}; i++)); do
    ((i == cword)) && continue
    [[ \${words[i]} == --catalog=* ]] && catalog=\${words[i]#--catalog=}
    [[ \${words[i - 1]} == --catalog ]] && catalog=\${words[i]}
  done
  catalog=\${catalog/#\\~/$HOME}
  "\${words[0]}" __complete metrics \${catalog:+--catalog "$catalog"} 2>/dev/null
}

# $1 typed, $2 prefix, $3 "signed" when a leading - is allowed, $4 "list" for comma lists, then fixed choices.
_ckpt_metric_value() {
  local value=$1 prefix=$2 signed=$3 list=$4
  shift 4
  if [[ $list == list && $value == *,* ]]; then prefix+=\${value%,*}, value=\${value##*,}; fi
  if [[ $signed == signed && $value == -* ]]; then prefix+=- value=\${value#-}; fi
  _ckpt_add "$value" "$prefix" < <(printf '%s\\n' "$@"; _ckpt_metric_names)
}`;

// The entry point bash calls: which word is being completed decides what to offer.
const DISPATCH = `_ckpt() {
  local words cword
  _ckpt_words
  local cur=\${words[cword]} prev=\${words[cword - 1]} command=\${words[1]}
  COMPREPLY=()
  if ((cword == 1)); then
    _ckpt_add "$cur" "" < <(_ckpt_commands; printf '%s\\n' --help --version)
    return 0
  fi
  local flag= value= prefix=
  if [[ $cur == --*=* ]]; then
    flag=\${cur%%=*} value=\${cur#*=}
    # Where '=' is no word break, the replaced word includes "--flag=".
    [[ \${COMP_WORDS[COMP_CWORD]} == --*=* ]] && prefix=$flag=
  elif [[ $prev == --* && $prev != *=* ]] && _ckpt_value_flags "$command" | grep -qx -- "$prev"; then
    flag=$prev value=$cur
  fi
  if [[ -n $flag ]]; then
    _ckpt_value "$flag" "$value" "$prefix"
  elif [[ $cur == -* ]]; then
    _ckpt_add "$cur" "" < <(_ckpt_flags "$command")
  else
    _ckpt_operand "$command" "$cur"
  fi
  return 0
}

complete -F _ckpt ckpt`;

function caseFunction(name: string, locals: string, cases: string): string {
  return `${name}() {\n${locals}  case $1 in\n${cases}\n  esac\n}`;
}

/**
 * The bash completion script: commands, each command's flags, fixed flag values, paths, and metric names asked of
 * `ckpt __complete metrics` at Tab time. Load with `source <(ckpt completion bash)`.
 */
export function renderBashCompletion(spec: CompletionSpec): string {
  const commands = spec.commands.map((command) => command.name);
  return [
    "# ckpt completion for bash. Load it from ~/.bashrc:  source <(ckpt completion bash)",
    HELPERS,
    `_ckpt_commands() {\n  printf '%s\\n' ${words(commands)}\n}`,
    caseFunction(
      "_ckpt_flags",
      "",
      flagCases(spec, () => true),
    ),
    caseFunction(
      "_ckpt_value_flags",
      "",
      flagCases(spec, (flag) => flag.value !== null),
    ),
    caseFunction("_ckpt_value", "  local value=$2 prefix=$3\n", valueCases(spec)),
    caseFunction("_ckpt_operand", "  local cur=$2\n", operandCases(spec)),
    DISPATCH,
    "",
  ].join("\n\n");
}
