import { existsSync, statSync } from "node:fs";
import { resolve } from "node:path";
import { AppError } from "../core/errors/app-error.ts";
import type { AssemblyProblem } from "../core/metadata/assembly-notes.ts";
import type { CheckpointMetadataV1 } from "../core/metadata/metadata-schema.ts";
import { renderMetadata } from "../core/metadata/render-metadata.ts";
import { ownSidecarPath } from "../core/metadata/sidecar-path.ts";
import { isS3Url } from "../core/object-store/s3-url.ts";
import { escapeControl } from "../core/text/escape-control.ts";
import { checkpointSizeAndMtime } from "../io/checkpoint/checkpoint-dir-identity.ts";
import { buildCheckpointMetadata } from "../io/checkpoint/checkpoint-metadata-pipeline.ts";
import { fsPath, realPathSync } from "../io/fs/fs-path.ts";
import { objectMetadata } from "../io/object-store/object-metadata.ts";
import { readS3Report } from "../io/object-store/read-s3-report.ts";
import type { S3Session } from "../io/object-store/s3-session.ts";
import { createRunContextCache, type RunContextCache } from "../io/run-files/run-file-reader.ts";
import { isSidecarCurrent } from "../io/scan/checkpoint-place.ts";
import { readSidecar } from "../io/sidecar/sidecar-store.ts";
import type { Command, CommandContext } from "./command.ts";
import { displayMessageFrom, displayPathFrom } from "./display-path.ts";
import { EXIT } from "./exit-codes.ts";
import { parseFlags } from "./parse-flags.ts";
import { S3_FLAGS, S3_FLAGS_HELP } from "./s3-flags.ts";
import { s3SessionOf } from "./s3-session-of.ts";

const USAGE = `Usage: ckpt show PATH... [options]

Shows the metadata of each checkpoint: from its sidecar when that is valid and current (its ckpt.file size and
mtime match the checkpoint), else assembled now from the checkpoint and its run files. Each value is followed
by where it came from. An s3://BUCKET/KEY object is assembled from its bytes alone (read with byte ranges; run
files next to it are not fetched).

Options:
  --json            print the CheckpointMetadataV1 object (with its ckpt: block); several paths → one per line
${S3_FLAGS_HELP}  -h, --help        show this help

Exit codes: 0 every path shown, 1 some path is not a readable checkpoint, 2 usage error.

Examples:
  ckpt show runs/exp/checkpoints/last.ckpt
  ckpt show runs/exp/checkpoints/last.ckpt --json
  ckpt show s3://team-ckpts/exp/last.ckpt
`;

type Shown =
  | {
      readonly kind: "metadata";
      readonly metadata: CheckpointMetadataV1;
      readonly sidecar: string | null;
      readonly problems: readonly AssemblyProblem[];
    }
  | { readonly kind: "failed"; readonly message: string };

/**
 * A sidecar that records the checkpoint it describes (size and mtime) and still matches it, as the scan judges it
 * (`isSidecarCurrent` over `checkpointSizeAndMtime`: a directory's files, not its own mtime). One that records no
 * file (Python-written) cannot say, so it is not used.
 */
function currentSidecar(realPath: string): { data: CheckpointMetadataV1; sidecar: string } | null {
  try {
    const stats = statSync(fsPath(realPath));
    const sidecar = ownSidecarPath({ path: realPath, kind: stats.isDirectory() ? "directory" : "file" });
    if (!existsSync(fsPath(sidecar))) return null;
    const read = readSidecar(sidecar);
    const data = read.success && read.data.valid ? read.data.data : undefined;
    if (data?.ckpt?.file === undefined) return null;
    const { size, mtimeMs } = checkpointSizeAndMtime(realPath, stats);
    return isSidecarCurrent(data, { size, mtime_ms: mtimeMs }) ? { data, sidecar } : null;
  } catch {
    return null;
  }
}

function show(path: string, context: CommandContext, cache: RunContextCache): Shown {
  const absolute = resolve(context.cwd, path);
  if (!existsSync(fsPath(absolute)))
    return { kind: "failed", message: `${path}: no such file or directory; check the path` };
  const sidecar = currentSidecar(realPathSync(absolute));
  if (sidecar) return { kind: "metadata", metadata: sidecar.data, sidecar: sidecar.sidecar, problems: [] };
  const built = buildCheckpointMetadata(absolute, {
    scanRoot: context.cwd,
    now: context.now,
    runContextCache: cache,
    generatorVersion: context.version,
  });
  if (built.metadata)
    return { kind: "metadata", metadata: built.metadata, sidecar: null, problems: built.problems };
  const reason = built.report.error?.message ?? built.problems[0]?.message ?? `status ${built.report.status}`;
  return { kind: "failed", message: `${path}: not a readable checkpoint (${reason})` };
}

/** An object's metadata, assembled from its bytes (no sidecar lookup: that would be another request). */
async function showObject(url: string, s3: S3Session): Promise<Shown> {
  const read = await readS3Report(s3, url);
  const key = url.slice(url.indexOf("/", "s3://".length) + 1);
  const built = objectMetadata(read, { relativePath: key });
  if (built.metadata)
    return { kind: "metadata", metadata: built.metadata, sidecar: null, problems: built.problems };
  return { kind: "failed", message: `${url}: not a readable checkpoint (${built.problem})` };
}

async function run(context: CommandContext): Promise<number> {
  const { values, positionals } = parseFlags("show", context.args, {
    json: { type: "boolean", default: false },
    ...S3_FLAGS,
  });
  if (values.help) {
    context.stdout.write(USAGE);
    return EXIT.ok;
  }
  if (positionals.length === 0) {
    throw new AppError("usage", "show: name at least one checkpoint. Run 'ckpt show --help' for usage.");
  }
  const cache = createRunContextCache();
  const display = displayPathFrom(context.cwd);
  const s3 = s3SessionOf(context, values);
  let failures = 0;
  for (const [index, path] of positionals.entries()) {
    const shown = isS3Url(path) ? await showObject(path, s3) : show(path, context, cache);
    if (shown.kind === "failed") {
      failures += 1;
      if (values.json) context.stdout.write(`${JSON.stringify({ path, error: shown.message })}\n`);
      context.stderr.write(`ckpt: ${displayMessageFrom(context.cwd)(shown.message)}\n`);
      continue;
    }
    if (values.json) {
      context.stdout.write(`${JSON.stringify(shown.metadata)}\n`);
      continue;
    }
    const origin = shown.sidecar
      ? { kind: "sidecar" as const, sidecar: display(shown.sidecar) }
      : { kind: "assembled" as const };
    const rendered = renderMetadata(shown.metadata, {
      path: isS3Url(path) ? path : display(resolve(context.cwd, path)),
      origin,
      problems: shown.problems,
    });
    // Values from files (a checkpoint_path naming raw bytes, a hostile exp_name) are escaped line by line.
    const safe = rendered.split("\n").map(escapeControl).join("\n");
    context.stdout.write(`${index > 0 ? "\n" : ""}${safe}`);
  }
  return failures === 0 ? EXIT.ok : EXIT.findings;
}

export const showCommand: Command = {
  name: "show",
  summary: "show a checkpoint's metadata (sidecar or assembled) and where each value came from",
  usage: USAGE,
  run,
};
