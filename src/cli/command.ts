/** Where a command writes; main passes process streams, tests pass collectors. */
export type TextSink = {
  write(text: string): void;
  readonly isTTY: boolean;
  /** The terminal's width in cells, when this is a terminal that reports one. */
  readonly columns?: number | undefined;
};

export type ProcessSignal = "SIGTERM" | "SIGINT" | "SIGHUP";

/** Process-level powers only the long-running commands need (`watch`, `stop`, `status`); main passes the real ones. */
export type ProcessControl = {
  readonly pid: number;
  readonly uid: number;
  /** The argv that starts this ckpt again: the compiled binary, or bun plus `src/main.ts` from source. */
  readonly selfCommand: readonly string[];
  /** Runs `handler` on `signal` until the returned function is called. */
  onSignal(signal: ProcessSignal, handler: () => void): () => void;
  /** `kill(pid, signal)`; false when there is no such process (or it is not ours to signal). */
  kill(pid: number, signal: "SIGTERM" | 0): boolean;
};

/** Everything a command may know about the outside world, handed in by `src/main.ts`. */
export type CommandContext = {
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  readonly stdout: TextSink;
  readonly stderr: TextSink;
  readonly now: () => number;
  readonly version: string;
  /** Absent in in-process tests and embedders; the commands that need it say so. */
  readonly process?: ProcessControl;
  /** Asks the person at the terminal a yes/no question; null when there is none to ask (not a terminal). */
  readonly confirm?: (question: string) => Promise<boolean | null>;
};

/** A command returns its exit code; expected failures throw `AppError`, which main maps to an exit code. */
export type Command = {
  readonly name: string;
  readonly summary: string;
  readonly usage: string;
  run(context: CommandContext): Promise<number>;
};
