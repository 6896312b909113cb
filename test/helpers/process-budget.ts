/**
 * The per-test budget of a test that starts another process (python3, the compiled binary, a daemon, tmux). On a
 * loaded 2-core machine, or behind a pyenv shim, a process can take seconds to start; bun's default of 5 s would
 * make such a test fail on how fast the machine is rather than on what the code does. Files whose tests spawn call
 * `setDefaultTimeout(PROCESS_TEST_TIMEOUT_MS)`; bunfig.toml cannot set it (bun test reads only `--timeout`).
 */
export const PROCESS_TEST_TIMEOUT_MS = 60_000;
