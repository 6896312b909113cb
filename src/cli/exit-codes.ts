import type { ErrorCode } from "../core/errors/app-error.ts";

/** The exit codes ckpt documents; nothing else is ever returned. */
export const EXIT = {
  ok: 0,
  findings: 1,
  usage: 2,
  notRunning: 3,
} as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** One table from error code to exit code, applied only in main and at the TUI root. */
export const EXIT_CODE_BY_ERROR: Readonly<Record<ErrorCode, ExitCode>> = {
  usage: EXIT.usage,
  io: EXIT.usage,
  "not-found": EXIT.usage,
  "permission-denied": EXIT.usage,
  "invalid-metadata": EXIT.findings,
  "unsupported-schema-version": EXIT.findings,
  "sidecar-exists": EXIT.findings,
  "read-only-directory": EXIT.usage,
  "catalog-busy": EXIT.findings,
  "catalog-on-network-fs": EXIT.usage,
  "daemon-running": EXIT.findings,
  "daemon-not-running": EXIT.notRunning,
  internal: EXIT.usage,
};
