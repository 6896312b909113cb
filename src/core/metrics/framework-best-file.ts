/**
 * The file a framework writes for its best checkpoint: Ultralytics `weights/best.pt`, timm's and the PyTorch
 * ImageNet example's `model_best.pth.tar`. When several checkpoints tie on the ranking metric (`model_best` is a
 * hard link or copy of a `checkpoint-N`), this one is the framework's own answer.
 */
const BEST_FILES: Readonly<Record<string, RegExp>> = {
  ultralytics: /^best\.pt$/,
  timm: /^model_best\.pth(?:\.tar)?$/,
  "plain-torch": /^model_best\.pth(?:\.tar)?$/,
};

/** `last.ckpt`, `last-v1.ckpt`, `last.pt`, `last.pth.tar`: a copy or link of a checkpoint at the same point. */
const LAST_FILE = /^last(?:-v\d+)?\.(?:ckpt|pt|pth|pth\.tar)$/;

function baseName(path: string): string {
  return path.slice(path.lastIndexOf("/") + 1);
}

/** Whether `path` is the best-checkpoint file its framework writes. */
export function isFrameworkBestFile(framework: string | null, path: string): boolean {
  const pattern = framework === null ? undefined : BEST_FILES[framework];
  return pattern?.test(baseName(path)) ?? false;
}

/** Whether `path` is a framework's rolling "last" file. */
export function isLastFile(path: string): boolean {
  // Asked for every checkpoint of a plan: a name not starting with "last" needs no slice and no regex.
  const start = path.lastIndexOf("/") + 1;
  return path.startsWith("last", start) && LAST_FILE.test(path.slice(start));
}
