export const pickleErrorCodes = [
  "truncated",
  "unknown-opcode",
  "unsupported-opcode",
  "unsupported-protocol",
  "bad-argument",
  "stack-underflow",
  "missing-mark",
  "memo-missing",
  "type-error",
  "limit-exceeded",
  "internal",
] as const;

export type PickleErrorCode = (typeof pickleErrorCodes)[number];

/** Why interpretation stopped. `offset` is the byte offset (into the whole buffer) of the failing opcode. */
export interface PickleError {
  readonly code: PickleErrorCode;
  readonly message: string;
  readonly offset: number;
  /** Opcode name when one was decoded. */
  readonly opcode: string | undefined;
  /** For `limit-exceeded`: which option was exceeded. */
  readonly limit: string | undefined;
}

const advice: Record<PickleErrorCode, string> = {
  truncated: "the file is incomplete (still being written, or cut short); retry once it is complete",
  "unknown-opcode": "the pickle is corrupt or this is not pickle data; re-save or re-download the checkpoint",
  "unsupported-opcode":
    "this pickle needs state from the process that wrote it and cannot be read from a file",
  "unsupported-protocol": "the pickle was written by a newer Python than this reader understands",
  "bad-argument": "the pickle is corrupt; re-save or re-download the checkpoint",
  "stack-underflow": "the pickle is corrupt; re-save or re-download the checkpoint",
  "missing-mark": "the pickle is corrupt; re-save or re-download the checkpoint",
  "memo-missing": "the pickle is corrupt; re-save or re-download the checkpoint",
  "type-error": "the pickle is corrupt or hand-crafted; re-save the checkpoint",
  "limit-exceeded":
    "the pickle is larger or deeper than the reader's limits; raise the limit if the file is trusted",
  internal: "this is a bug in the pickle reader; please report it with the file",
};

export function pickleError(options: {
  code: PickleErrorCode;
  what: string;
  offset: number;
  opcode?: string;
  limit?: string;
}): PickleError {
  const where = options.opcode ? `${options.opcode} at offset ${options.offset}` : `offset ${options.offset}`;
  return {
    code: options.code,
    message: `pickle ${where}: ${options.what}; ${advice[options.code]}`,
    offset: options.offset,
    opcode: options.opcode,
    limit: options.limit,
  };
}
