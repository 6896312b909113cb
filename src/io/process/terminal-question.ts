import { createInterface } from "node:readline";

/**
 * Asks a yes/no question on a terminal and waits for one line: true for `y`/`yes`, false for anything else (or an
 * end of input); null when `input` is not a terminal, so a pipe or a script is never asked.
 */
export async function askYesOrNo(
  question: string,
  streams: { readonly input: NodeJS.ReadStream; readonly output: NodeJS.WriteStream },
): Promise<boolean | null> {
  if (streams.input.isTTY !== true) return null;
  const lines = createInterface({ input: streams.input, output: streams.output, terminal: false });
  streams.output.write(question);
  const answer = await new Promise<string>((resolve) => {
    lines.once("line", resolve);
    lines.once("close", () => resolve(""));
  });
  lines.close();
  streams.input.pause();
  return /^y(es)?$/i.test(answer.trim());
}
