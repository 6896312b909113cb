// The name of the temp file an optimizer strip writes beside the checkpoint it rewrites: hidden, never a
// checkpoint's extension (the scan does not take it for one), and recognisable, so a stale one a killed strip left
// is removed by the next strip of that checkpoint and is no sign of training (run activity).

const MARK = ".ckpt-strip-";
const TEMP = /^\..+\.ckpt-strip-[0-9a-f]+\.tmp$/;

export function stripTempName(checkpointName: string, randomHex: string): string {
  return `.${checkpointName}${MARK}${randomHex}.tmp`;
}

/** Any strip's temp file. */
export function isStripTempName(name: string): boolean {
  return TEMP.test(name);
}

/** A strip's temp file of this checkpoint. */
export function isStripTempOf(name: string, checkpointName: string): boolean {
  return name.startsWith(`.${checkpointName}${MARK}`) && isStripTempName(name);
}
