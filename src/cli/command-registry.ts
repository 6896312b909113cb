import type { Command } from "./command.ts";

/** A command entry is loaded only when it runs, so `ckpt --version` never pulls in Ink or SQLite. */
export type CommandEntry = {
  readonly name: string;
  readonly summary: string;
  readonly load: () => Promise<Command>;
  /** Machinery for shell completion scripts: runnable, never listed or suggested. @default false */
  readonly hidden?: boolean;
  /** Reads a shared catalog through one connection, which run-cli opens ahead (`openSharedCatalogAhead`). */
  readonly queriesSharedCatalog?: true;
  /**
   * JavaScriptCore options the command runs with (`BUN_JSC_<name>`); src/main.ts restarts the process in place
   * with them, since JSC reads them only at start-up. A variable the user set keeps the user's value.
   */
  readonly jscOptions?: Readonly<Record<string, string>>;
};

/**
 * A scan reads thousands of files in one short process: JSC's top tier (FTL) compiled ~300 functions for ~1.7 s of
 * compile time in a 10k-checkpoint scan on two cores, more than its faster code gave back there (−16 % wall); at
 * 100k the two are even (BENCHMARKS.md, "The scan without FTL"). The other tiers (baseline, DFG) stay.
 */
const BATCH_SCAN_JSC_OPTIONS = { useFTLJIT: "0" } as const;

export const COMMANDS: readonly CommandEntry[] = [
  {
    name: "demo",
    summary:
      "a live demo: simulated training writes checkpoints, the watcher indexes them, the browser shows them",
    load: async () => (await import("./demo-command.ts")).demoCommand,
  },
  {
    name: "validate",
    summary: "check every checkpoint's sidecar: valid, invalid, missing, orphan",
    load: async () => (await import("./validate-command.ts")).validateCommand,
  },
  {
    name: "show",
    summary: "show a checkpoint's metadata (sidecar or assembled) and where each value came from",
    load: async () => (await import("./show-command.ts")).showCommand,
  },
  {
    name: "convert",
    summary: "write a metadata sidecar for every checkpoint (the legacy conversion tool)",
    load: async () => (await import("./convert-command.ts")).convertCommand,
  },
  {
    name: "scan",
    summary: "bring the catalog up to date: read new and changed checkpoints, drop deleted ones",
    load: async () => (await import("./scan-command.ts")).scanCommand,
    jscOptions: BATCH_SCAN_JSC_OPTIONS,
  },
  {
    name: "ls",
    summary: "list catalogued checkpoints: sort by metric, epoch, step, mtime or size; filter; JSON or CSV",
    load: async () => (await import("./ls-command.ts")).lsCommand,
    queriesSharedCatalog: true,
  },
  {
    name: "best",
    summary: "the best checkpoint of each run (or --overall) by its primary metric, direction respected",
    load: async () => (await import("./best-command.ts")).bestCommand,
    queriesSharedCatalog: true,
  },
  {
    name: "du",
    summary:
      "bytes per root, run and checkpoint (sidecars included, hard links once), free space, biggest first",
    load: async () => (await import("./du-command.ts")).duCommand,
  },
  {
    name: "prune",
    summary:
      "delete checkpoints a retention policy does not keep (best-K, last N, every N, pointers kept); dry run first",
    load: async () => (await import("./prune-command.ts")).pruneCommand,
  },
  {
    name: "trash",
    summary: "what 'prune --trash' moved aside: list, restore (byte for byte), empty [--older-than D]",
    load: async () => (await import("./trash-command.ts")).trashCommand,
  },
  {
    name: "metrics",
    summary: "a run's metric series (the checkpoint's point marked): a table, a chart, JSON or CSV",
    load: async () => (await import("./metrics-command.ts")).metricsCommand,
    queriesSharedCatalog: true,
  },
  {
    name: "stats",
    summary: "catalog statistics: count, metadata coverage, frameworks, bytes, last scan",
    load: async () => (await import("./stats-command.ts")).statsCommand,
    queriesSharedCatalog: true,
  },
  {
    name: "watch",
    summary: "run beside training: index each checkpoint as it finishes writing (foreground, or --detach)",
    load: async () => (await import("./watch-command.ts")).watchCommand,
  },
  {
    name: "status",
    summary: "is 'ckpt watch' running? pid, uptime, roots, queue, indexed, errors (exit 0 running, 3 not)",
    load: async () => (await import("./status-command.ts")).statusCommand,
  },
  {
    name: "stop",
    summary: "stop 'ckpt watch' for the catalog (over its socket, else SIGTERM to its pid)",
    load: async () => (await import("./stop-command.ts")).stopCommand,
  },
  {
    name: "inspect",
    summary: "read checkpoints without Python and print what they hold (--json for JSON Lines)",
    load: async () => (await import("./inspect-command.ts")).inspectCommand,
  },
  {
    name: "tui",
    summary: "browse the catalog live in the terminal: runs, best checkpoints, metrics, curves",
    load: async () => (await import("./tui-command.ts")).tuiCommand,
  },
  {
    name: "info",
    summary: "version, platform, and where ckpt keeps its catalog, state, logs and socket",
    load: async () => (await import("./info-command.ts")).infoCommand,
  },
  {
    name: "completion",
    summary: "print a shell completion script: ckpt completion bash|zsh|fish",
    load: async () => (await import("./completion-command.ts")).completionCommandFor(VISIBLE_COMMANDS),
  },
  {
    name: "__complete",
    summary: "names for completion scripts (metrics from the catalog)",
    load: async () => (await import("./complete-command.ts")).completeCommand,
    hidden: true,
  },
];

/** The commands `ckpt --help` lists and "did you mean" suggests. */
export const VISIBLE_COMMANDS: readonly CommandEntry[] = COMMANDS.filter((entry) => entry.hidden !== true);

export function findCommand(name: string): CommandEntry | undefined {
  return COMMANDS.find((entry) => entry.name === name);
}
