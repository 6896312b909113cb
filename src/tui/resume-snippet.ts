import type { CatalogEntry } from "../core/catalog/catalog-entry.ts";

function quoted(path: string): string {
  return JSON.stringify(path);
}

function shellQuoted(path: string): string {
  return /^[\w@%+=:,./-]+$/.test(path) ? path : `'${path.replaceAll("'", "'\\''")}'`;
}

/** How to resume training from this checkpoint in its framework; plain loading when the framework is unknown. */
export function resumeSnippet(entry: Pick<CatalogEntry, "framework" | "path">): string {
  switch (entry.framework) {
    case "lightning":
      return `trainer.fit(model, datamodule=datamodule, ckpt_path=${quoted(entry.path)})`;
    case "timm":
      return `python train.py --resume ${shellQuoted(entry.path)}`;
    case "ultralytics":
      return `yolo train resume model=${shellQuoted(entry.path)}`;
    case "hf-trainer":
      return `trainer.train(resume_from_checkpoint=${quoted(entry.path)})`;
    default:
      return `state = torch.load(${quoted(entry.path)}, map_location="cpu", weights_only=True)`;
  }
}
