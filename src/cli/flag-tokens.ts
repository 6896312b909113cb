/**
 * The argument grammar of `node:util` parseArgs (Node's `lib/internal/util/parse_args`, which Bun ships), for
 * the option tables the commands declare: loading node:util cost every command ~7 ms of start-up in the compiled
 * binary. `test/cli/flag-tokens.test.ts` checks tokens and values against node:util's own on generated argv.
 */
export type FlagOption = {
  readonly type: "boolean" | "string";
  readonly short?: string | undefined;
  readonly multiple?: boolean | undefined;
  readonly default?: string | boolean | readonly string[] | readonly boolean[] | undefined;
};
export type FlagOptions = Readonly<Record<string, FlagOption>>;

export type FlagToken =
  | {
      readonly kind: "option";
      readonly name: string;
      readonly rawName: string;
      readonly index: number;
      readonly value: string | undefined;
      readonly inlineValue: boolean | undefined;
    }
  | { readonly kind: "positional"; readonly index: number; readonly value: string }
  | { readonly kind: "option-terminator"; readonly index: number };

type OptionToken = Extract<FlagToken, { kind: "option" }>;

function optionOf(options: FlagOptions, name: string): FlagOption | undefined {
  return Object.hasOwn(options, name) ? options[name] : undefined;
}

/** The long name of `-x`: the option whose `short` it is, else the letter itself (an unknown option). */
function longNameOf(short: string, options: FlagOptions): string {
  return Object.entries(options).find(([, option]) => option.short === short)?.[0] ?? short;
}

function takesValue(options: FlagOptions, name: string): boolean {
  return optionOf(options, name)?.type === "string";
}

/** `-abc` → `-a -b -c`; a string option inside takes the rest as its value: `-abfFILE` → `-a -b -fFILE`. */
function expandGroup(arg: string, options: FlagOptions): string[] {
  const expanded: string[] = [];
  for (let at = 1; at < arg.length; at++) {
    const short = arg.charAt(at);
    if (!takesValue(options, longNameOf(short, options)) || at === arg.length - 1) expanded.push(`-${short}`);
    else {
      expanded.push(`-${arg.slice(at)}`);
      break;
    }
  }
  return expanded;
}

type Cursor = { readonly remaining: string[]; index: number };

/** `-f` or `--foo`, taking the next argument as its value when the option is a string one. */
function loneOption(cursor: Cursor, names: { name: string; rawName: string }, options: FlagOptions) {
  const index = cursor.index;
  const next = cursor.remaining[0];
  const value = takesValue(options, names.name) && next !== undefined ? cursor.remaining.shift() : undefined;
  if (value !== undefined) cursor.index++;
  const token: OptionToken = {
    kind: "option",
    ...names,
    index,
    value,
    inlineValue: value === undefined ? undefined : false,
  };
  return token;
}

function isShortWithMore(arg: string): boolean {
  return arg.length > 2 && arg[0] === "-" && arg[1] !== "-";
}

/** One argument (not `--`) as a token, or null when it was a short group, expanded into `cursor.remaining`. */
function tokenOf(arg: string, cursor: Cursor, options: FlagOptions): FlagToken | null {
  if (arg.length === 2 && arg[0] === "-" && arg[1] !== "-") {
    return loneOption(cursor, { name: longNameOf(arg.charAt(1), options), rawName: arg }, options);
  }
  if (isShortWithMore(arg)) {
    const name = longNameOf(arg.charAt(1), options);
    if (!takesValue(options, name)) return null;
    const rawName = `-${arg.charAt(1)}`;
    return { kind: "option", name, rawName, index: cursor.index, value: arg.slice(2), inlineValue: true };
  }
  if (arg.length > 2 && arg.startsWith("--")) {
    const equals = arg.indexOf("=", 3);
    if (equals === -1) return loneOption(cursor, { name: arg.slice(2), rawName: arg }, options);
    const name = arg.slice(2, equals);
    const value = arg.slice(equals + 1);
    return { kind: "option", name, rawName: `--${name}`, index: cursor.index, value, inlineValue: true };
  }
  return { kind: "positional", index: cursor.index, value: arg };
}

/**
 * A short option from an expanded group (`-c`, or `-fREST` for a string option inside it): always an option, even
 * `-` (`-v-` is `-v` and an option named `-`, never the `--` terminator).
 */
function groupMember(arg: string, cursor: Cursor, options: FlagOptions): FlagToken {
  const rawName = `-${arg.charAt(1)}`;
  const name = longNameOf(arg.charAt(1), options);
  if (arg.length === 2) return loneOption(cursor, { name, rawName }, options);
  return { kind: "option", name, rawName, index: cursor.index, value: arg.slice(2), inlineValue: true };
}

/** parseArgs' `tokens`: each option, positional and `--`, with the index of the argument it came from. */
export function flagTokens(args: readonly string[], options: FlagOptions): FlagToken[] {
  const tokens: FlagToken[] = [];
  const cursor: Cursor = { remaining: [...args], index: -1 };
  let grouped = 0;
  for (let arg = cursor.remaining.shift(); arg !== undefined; arg = cursor.remaining.shift()) {
    const inGroup = grouped > 0;
    if (inGroup) grouped--;
    else cursor.index++;
    if (!inGroup && arg === "--") {
      tokens.push({ kind: "option-terminator", index: cursor.index });
      for (const value of cursor.remaining) tokens.push({ kind: "positional", index: ++cursor.index, value });
      break;
    }
    const token = inGroup ? groupMember(arg, cursor, options) : tokenOf(arg, cursor, options);
    if (token !== null) tokens.push(token);
    else {
      const expanded = expandGroup(arg, options);
      cursor.remaining.unshift(...expanded);
      grouped = expanded.length;
    }
  }
  return tokens;
}

export type FlagValues = Record<string, string | boolean | (string | boolean)[] | undefined>;

/** parseArgs' `values` and `positionals` from the tokens: repeated options collect, defaults fill the rest. */
export function flagValues(tokens: readonly FlagToken[], options: FlagOptions) {
  const values: FlagValues = {};
  const positionals: string[] = [];
  for (const token of tokens) {
    if (token.kind === "positional") positionals.push(token.value);
    if (token.kind !== "option" || token.name === "__proto__") continue;
    const value = token.value ?? true;
    const held = values[token.name];
    if (optionOf(options, token.name)?.multiple !== true) values[token.name] = value;
    else if (Array.isArray(held)) held.push(value);
    else values[token.name] = [value];
  }
  for (const [name, option] of Object.entries(options)) {
    if (option.default !== undefined && values[name] === undefined)
      values[name] = Array.isArray(option.default)
        ? [...option.default]
        : (option.default as string | boolean);
  }
  return { values, positionals };
}
