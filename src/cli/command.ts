/** Where a command writes; main passes process streams, tests pass collectors. */
export type TextSink = { write(text: string): void; readonly isTTY: boolean };

/** Everything a command may know about the outside world, handed in by `src/main.ts`. */
export type CommandContext = {
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  readonly stdout: TextSink;
  readonly stderr: TextSink;
  readonly now: () => number;
  readonly version: string;
};

/** A command returns its exit code; expected failures throw `AppError`, which main maps to an exit code. */
export type Command = {
  readonly name: string;
  readonly summary: string;
  readonly usage: string;
  run(context: CommandContext): Promise<number>;
};
