// NeMo's ModelCheckpoint creates `<checkpoint minus .nemo/.ckpt/-EMA>-unfinished` before it saves and deletes it
// after (nemo/utils/callbacks/nemo_model_checkpoint.py `format_checkpoint_unfinished_marker_path`): while the marker
// exists the checkpoint beside it, file or directory, is not finished.

export const UNFINISHED_SUFFIX = "-unfinished";

/** The marker path NeMo uses for a checkpoint path (posix, pure string work). */
export function unfinishedMarkerPath(checkpointPath: string): string {
  let stem = checkpointPath.replace(/\/+$/, "");
  for (const suffix of [".nemo", ".ckpt", "-EMA"])
    if (stem.endsWith(suffix)) stem = stem.slice(0, -suffix.length);
  return `${stem}${UNFINISHED_SUFFIX}`;
}

export const UNFINISHED_REASON =
  "NeMo's -unfinished marker is beside it: the save is in progress (or was killed before NeMo removed the marker)";

/** The names in a directory listing that may be NeMo markers (usually none): see `listedUnfinishedMarker`. */
export function unfinishedMarkerNames(names: Iterable<string>): ReadonlySet<string> {
  const markers = new Set<string>();
  for (const name of names) if (name.endsWith(UNFINISHED_SUFFIX)) markers.add(name);
  return markers;
}

/** Whether a checkpoint's marker is among the marker names of its directory's listing. */
export function listedUnfinishedMarker(checkpointPath: string, markers: ReadonlySet<string>): boolean {
  if (markers.size === 0) return false;
  const marker = unfinishedMarkerPath(checkpointPath);
  return markers.has(marker.slice(marker.lastIndexOf("/") + 1));
}
