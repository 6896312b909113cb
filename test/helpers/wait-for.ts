export type WaitForOptions = {
  /** @default 20000 */
  readonly timeoutMs?: number;
  /** What was awaited, for the failure message. */
  readonly what?: string;
  /** Between two checks; longer when a check starts a process (tmux capture-pane). @default 5 */
  readonly intervalMs?: number;
};

/**
 * Resolves with the first truthy value of `check`, re-checked every few ms until the deadline. Waits for a
 * condition, never for a fixed time: a fast machine finishes early, a slow one gets the whole deadline.
 */
export async function waitFor<T>(
  check: () => T | undefined | false,
  options: WaitForOptions = {},
): Promise<T> {
  // An upper bound for a loaded 2-core machine; waiting ends as soon as the condition holds.
  const timeoutMs = options.timeoutMs ?? 20_000;
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined && value !== false) return value;
    if (performance.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${options.what ?? "a condition"}`);
    await Bun.sleep(options.intervalMs ?? 5);
  }
}
