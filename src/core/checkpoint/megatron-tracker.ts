// Megatron-LM's names, in a module of their own so that what only needs a name (prune's pointer files, the
// catalog's run directory, the S3 listing) does not load the checkpoint readers.

/** The tracker file beside the `iter_NNNNNNN/` directories: the iteration of the latest complete save (or `release`). */
export const MEGATRON_TRACKER = "latest_checkpointed_iteration.txt";

const ITER_DIR = /^iter_(\d{7})$/;

/** The iteration of an `iter_NNNNNNN` dir name; undefined for any other name. */
export function megatronIteration(dirName: string | undefined): number | undefined {
  const digits = ITER_DIR.exec(dirName ?? "")?.[1];
  return digits === undefined ? undefined : Number(digits);
}
