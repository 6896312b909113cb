/**
 * The checkpoint could not be opened or read (EACCES, EIO…): a failed read that the next scan retries, never a
 * catalog row saying "not a checkpoint". Thrown by the scan's assemble step, caught per checkpoint.
 */
export class CheckpointUnreadableError extends Error {
  readonly path: string;

  constructor(path: string, reason: string) {
    super(`${path}: cannot read it: ${reason}; the next scan retries it`);
    this.name = "CheckpointUnreadableError";
    this.path = path;
  }
}
