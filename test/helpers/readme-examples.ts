// Test-only: the README's runnable examples, so a test can run them and compare what they print.

/** One `$ command` line of a README `text` block and the lines printed under it. */
export type ReadmeExample = { readonly command: string; readonly output: string };

/** The runnable examples, in README order: every `$ ` line of every fenced `text` block, with its output. */
export function readmeExamples(markdown: string): ReadmeExample[] {
  const examples: { command: string; lines: string[] }[] = [];
  let inText = false;
  for (const line of markdown.split("\n")) {
    if (line.startsWith("```")) {
      inText = !inText && line.trim() === "```text";
      continue;
    }
    if (!inText) continue;
    if (line.startsWith("$ ")) examples.push({ command: line.slice(2), lines: [] });
    else examples.at(-1)?.lines.push(line);
  }
  return examples.map(({ command, lines }) => ({ command, output: withoutTrailingBlanks(lines) }));
}

function withoutTrailingBlanks(lines: readonly string[]): string {
  const kept = [...lines];
  while (kept.length > 0 && kept.at(-1)?.trim() === "") kept.pop();
  return kept.map((line) => `${line}\n`).join("");
}

/** The text of the README's first fenced block in `language` whose text contains `marker`. */
export function fencedBlock(markdown: string, language: string, marker: string): string {
  const pattern = new RegExp(`^\`\`\`${language}\\n([\\s\\S]*?)^\`\`\`$`, "gm");
  for (const match of markdown.matchAll(pattern)) {
    if (match[1]?.includes(marker)) return match[1];
  }
  throw new Error(`README has no ${language} block containing ${marker}`);
}

const ISO_TIME = /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z/g;

/**
 * What may differ between a README example and a run of it: how long ago the files were copied (the `age`
 * column) and timestamps taken from file times. Both are masked in expected and actual alike.
 */
export function maskTimes(text: string): string {
  const lines = text.split("\n");
  let ageEnd = -1;
  const masked = lines.map((line) => {
    const header = /(?:^|\s)age(?:\s|$)/.exec(line);
    if (header !== null && /\bpath\b|\bstatus\b/.test(line)) {
      ageEnd = header.index + header[0].indexOf("age") + 3;
      return line;
    }
    if (line.trim() === "") ageEnd = -1;
    if (ageEnd < 3) return line;
    const cell = line.slice(ageEnd - 3, ageEnd);
    return /^ *\d+[smhdw]$/.test(cell) ? `${line.slice(0, ageEnd - 3)}AGE${line.slice(ageEnd)}` : line;
  });
  return masked.join("\n").replace(ISO_TIME, "TIME");
}
