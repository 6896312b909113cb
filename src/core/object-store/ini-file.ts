/** One INI section: its keys, lower-cased, and their values. A nested block (`s3 =` then indented lines) is `s3.key`. */
export type IniSection = ReadonlyMap<string, string>;

/** Sections by their header text as written between the brackets, trimmed (`profile dev`, `default`). */
export type IniFile = ReadonlyMap<string, IniSection>;

function isComment(line: string): boolean {
  return line.startsWith("#") || line.startsWith(";");
}

/** A value with its inline comment removed: AWS treats ` #` and ` ;` after whitespace as the start of one. */
function stripInlineComment(value: string): string {
  const match = /\s[#;]/.exec(value);
  return (match === null ? value : value.slice(0, match.index)).trim();
}

type ParseState = { section: Map<string, string> | null; nestedUnder: string | null };

function parseLine(raw: string, file: Map<string, Map<string, string>>, state: ParseState): void {
  const indented = /^[ \t]/.test(raw);
  const line = raw.trim();
  if (line === "" || isComment(line)) return;
  const header = /^\[([^\]]*)\]/.exec(line);
  if (header !== null && !indented) {
    const name = (header[1] ?? "").trim().replace(/\s+/g, " ");
    state.section = file.get(name) ?? new Map();
    file.set(name, state.section);
    state.nestedUnder = null;
    return;
  }
  const equals = line.indexOf("=");
  if (state.section === null || equals < 0) return;
  const key = line.slice(0, equals).trim().toLowerCase();
  const value = stripInlineComment(line.slice(equals + 1));
  if (indented && state.nestedUnder !== null) {
    state.section.set(`${state.nestedUnder}.${key}`, value);
    return;
  }
  state.nestedUnder = value === "" ? key : null;
  state.section.set(key, value);
}

/**
 * Parses the INI dialect of `~/.aws/credentials` and `~/.aws/config`: `[section]` headers, `key = value` lines,
 * `#`/`;` comments, and the one level of nesting AWS allows (`s3 =` followed by indented `key = value` lines).
 * Lines it cannot read are skipped, as the AWS CLI skips them; a later duplicate key wins.
 */
export function parseIni(text: string): IniFile {
  const file = new Map<string, Map<string, string>>();
  const state: ParseState = { section: null, nestedUnder: null };
  for (const raw of text.replace(/^\uFEFF/, "").split(/\r?\n/)) parseLine(raw, file, state);
  return file;
}
