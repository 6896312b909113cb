/**
 * Megatron-LM's tracker file beside its `iter_NNNNNNN/` directories: the iteration of the latest complete save
 * (or `release`). Its own module so that what only needs the name (prune's pointer files) does not load the
 * checkpoint readers.
 */
export const MEGATRON_TRACKER = "latest_checkpointed_iteration.txt";
