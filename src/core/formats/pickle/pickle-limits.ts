/** Resource limits for interpreting untrusted pickles; any breach is a `limit-exceeded` error value. */
export interface PickleLimits {
  /** Opcodes executed. @default 50_000_000 */
  readonly maxOpcodes: number;
  /** Memo entries. @default 10_000_000 */
  readonly maxMemoEntries: number;
  /** Values on the stack (all marks together). @default 10_000_000 */
  readonly maxStackItems: number;
  /** Open MARKs (nesting depth of containers being built). @default 10_000 */
  readonly maxMarkDepth: number;
  /** Items in one list/tuple/dict/set. @default 50_000_000 */
  readonly maxContainerLength: number;
  /** Bytes in one str/bytes/long argument. @default 256 MiB */
  readonly maxStringBytes: number;
  /** Estimated bytes allocated overall (strings, bytes, container slots). @default 1 GiB */
  readonly maxTotalBytes: number;
}

export const defaultPickleLimits: PickleLimits = {
  maxOpcodes: 50_000_000,
  maxMemoEntries: 10_000_000,
  maxStackItems: 10_000_000,
  maxMarkDepth: 10_000,
  maxContainerLength: 50_000_000,
  maxStringBytes: 256 * 1024 * 1024,
  maxTotalBytes: 1024 * 1024 * 1024,
};
