import { resolve } from "node:path";
import { type CheckpointReport, checkpointReportJson } from "../core/checkpoint/checkpoint-report.ts";
import { renderCheckpointReport } from "../core/checkpoint/render-checkpoint-report.ts";
import { AppError } from "../core/errors/app-error.ts";
import { isS3Url } from "../core/object-store/s3-url.ts";
import { escapeControl } from "../core/text/escape-control.ts";
import { readCheckpointReport } from "../io/checkpoint/read-checkpoint.ts";
import { readS3Report } from "../io/object-store/read-s3-report.ts";
import type { S3Session } from "../io/object-store/s3-session.ts";
import type { Command, CommandContext } from "./command.ts";
import { EXIT } from "./exit-codes.ts";
import { parseFlags } from "./parse-flags.ts";
import { S3_FLAGS, S3_FLAGS_HELP } from "./s3-flags.ts";
import { s3SessionOf } from "./s3-session-of.ts";

const USAGE = `Usage: ckpt inspect PATH... [--json]

Reads each checkpoint (a .ckpt/.pt/.pth/.pth.tar/.bin/.safetensors file, a Hugging Face checkpoint-N/ directory
or a Lightning sharded .ckpt/ directory) without Python, without executing its pickle and without reading tensor
data, and prints what it holds: container, framework, epoch and step, keys and tensor summaries,
hyper-parameters, checkpoint-callback state and safety findings. Exported models are read from their headers:
GGUF (architecture, quantization, context length, tensors), ONNX (ir/opset, producer, metadata_props, graph
outline), Keras 3 .keras (metadata.json, config.json) and NeMo .nemo (members, model_config.yaml). A PATH may be an
object, s3://BUCKET/KEY: it is read with byte ranges (its first and last 256 KiB in one round trip, more only when
needed), never downloaded.

Options:
  --json            one JSON object per path and line (JSON Lines), in argument order
${S3_FLAGS_HELP}  -h, --help        show this help

Exit codes: 0 every path is ok, 1 some path is incomplete, corrupt, unsafe or not a checkpoint, 2 usage.

Examples:
  ckpt inspect runs/exp/checkpoints/last.ckpt
  ckpt inspect runs/exp/checkpoints/*.ckpt --json     one JSON object per checkpoint
  ckpt inspect s3://team-ckpts/exp/last.ckpt          read an object in S3 (or --endpoint for MinIO, R2, Ceph)
`;

const OUTPUT_CHUNK = 64 * 1024;
/** One path's report: a local file or directory, or an s3:// object. */
async function reportOf(path: string, context: CommandContext, s3: S3Session): Promise<CheckpointReport> {
  if (isS3Url(path)) return (await readS3Report(s3, path)).report;
  const report = { ...readCheckpointReport(resolve(context.cwd, path)), path };
  if (report.error)
    report.error = {
      ...report.error,
      message: report.error.message.replaceAll(resolve(context.cwd, path), path),
    };
  return report;
}

async function run(context: CommandContext): Promise<number> {
  const { values, positionals } = parseFlags("inspect", context.args, {
    json: { type: "boolean", default: false },
    ...S3_FLAGS,
  });
  if (values.help) {
    context.stdout.write(USAGE);
    return EXIT.ok;
  }
  if (positionals.length === 0)
    throw new AppError(
      "usage",
      "inspect: pass at least one checkpoint path. Run 'ckpt inspect --help' for usage.",
    );
  const s3 = s3SessionOf(context, values);
  let allOk = true;
  // JSON Lines go out in chunks of about 64 KB: one write per checkpoint was a system call per file in bulk.
  let pending = "";
  for (const [index, path] of positionals.entries()) {
    const report = await reportOf(path, context, s3);
    allOk &&= report.status === "ok";
    if (values.json) pending += `${checkpointReportJson(report)}\n`;
    else context.stdout.write(`${index > 0 ? "\n" : ""}${renderCheckpointReport(shownReport(report))}`);
    if (pending.length >= OUTPUT_CHUNK) {
      context.stdout.write(pending);
      pending = "";
    }
  }
  if (pending !== "") context.stdout.write(pending);
  return allOk ? EXIT.ok : EXIT.findings;
}

/** The report as a terminal shows it: the path and the error's names escaped (raw bytes as `\xff`, no control bytes). */
function shownReport(report: CheckpointReport): CheckpointReport {
  const path = escapeControl(report.path);
  return report.error
    ? { ...report, path, error: { ...report.error, message: escapeControl(report.error.message) } }
    : { ...report, path };
}

export const inspectCommand: Command = {
  name: "inspect",
  summary: "read checkpoints without Python and print what they hold (--json for JSON Lines)",
  usage: USAGE,
  run,
};
