/** Every error code ckpt can end with; `src/cli/exit-codes.ts` maps each to an exit code. */
export const ERROR_CODES = [
  "usage",
  "io",
  "not-found",
  "permission-denied",
  "invalid-metadata",
  "unsupported-schema-version",
  "sidecar-exists",
  "read-only-directory",
  "catalog-busy",
  "catalog-on-network-fs",
  "daemon-running",
  "daemon-not-running",
  "internal",
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/** The one error class that crosses layers; `cause` keeps the original error. */
export class AppError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "AppError";
    this.code = code;
  }
}
