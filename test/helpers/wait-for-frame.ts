// Flows wait for the frame they expect, with a deadline, instead of sleeping.

// biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI escape sequences start with ESC
const ANSI = /\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07]*\x07/g;

export function stripAnsi(text: string): string {
  return text.replace(ANSI, "");
}

/** Resolves with the first frame (ANSI stripped) that `matches`; fails after `timeoutMs` showing the last one. */
export async function frameMatching(
  lastFrame: () => string | undefined,
  matches: (frame: string) => boolean,
  options: { timeoutMs?: number } = {},
): Promise<string> {
  const deadline = performance.now() + (options.timeoutMs ?? 3000);
  for (;;) {
    const frame = stripAnsi(lastFrame() ?? "");
    if (matches(frame)) return frame;
    if (performance.now() > deadline)
      throw new Error(`no frame matched before the deadline; last frame:\n${frame}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** One turn of the event loop: lets Ink attach its stdin listener before the first key is written. */
export function nextTick(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}
