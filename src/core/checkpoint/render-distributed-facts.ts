import type { CheckpointReport } from "./checkpoint-report.ts";

// `ckpt inspect` lines for multi-file checkpoints: what the writer's own signal says and the facts read without
// tensor bytes. Values from disk are escaped by the caller (render-checkpoint-report.ts), line by line.

const number = new Intl.NumberFormat("en-US");

function deepSpeedLines(report: CheckpointReport): string[] {
  const ds = report.deepspeed;
  if (ds === undefined) return [];
  const lines: string[] = [];
  const s = ds.states;
  if (s)
    lines.push(
      `  deepspeed   ${s.ds_version ?? "version ?"}, ZeRO ${s.zero_stage ?? "?"}, dp ${s.dp_world_size ?? "?"} × mp ${s.mp_world_size ?? "?"}${s.bf16 ? ", bf16" : s.fp16 ? ", fp16" : ""}, ${number.format(s.global_samples ?? 0)} samples${s.param_shapes ? `, ${number.format(s.param_shapes.numel_total)} params` : ""}`,
    );
  if (s && s.client_state_keys.length > 0) lines.push(`    client state: ${JSON.stringify(s.client_state)}`);
  if (ds.tag)
    lines.push(
      `    tag ${ds.tag.tag}: ${ds.tag.committed ? "committed" : "not committed"}${ds.tag.missing_files.length > 0 ? `, missing ${ds.tag.missing_files.join(", ")}` : ""}`,
    );
  if (ds.run)
    lines.push(
      `    latest ${ds.run.latest ?? "(none)"}, tags ${ds.run.tags.join(", ") || "none"}, resume from ${ds.run.resume_tag ?? "nothing"}${ds.run.incomplete_tags.length > 0 ? `, not whole: ${ds.run.incomplete_tags.join(", ")}` : ""}`,
    );
  for (const script of ds.executable_scripts) lines.push(`    script: ${script} (executable, never run)`);
  return lines;
}

function dcpLines(report: CheckpointReport): string[] {
  const dcp = report.dcp;
  if (dcp === undefined) return [];
  const dtypes = Object.entries(dcp.dtypes)
    .map(([dtype, count]) => `${dtype} ×${count}`)
    .join(", ");
  const lines = [
    `  dcp         ${dcp.layout ?? "no readable .metadata"}, ${dcp.tensor_count} tensors (${dtypes || "–"}), ${number.format(dcp.numel_total)} values, ranks ${dcp.writer_ranks.join(", ") || "–"}`,
  ];
  if (dcp.bytes_entries.length > 0) lines.push(`    bytes entries: ${dcp.bytes_entries.join(", ")}`);
  for (const [name, value] of Object.entries(dcp.bytes_values))
    lines.push(`    ${name}: ${JSON.stringify(value)}`);
  return lines;
}

function otherLines(report: CheckpointReport): string[] {
  const lines: string[] = [];
  const acc = report.accelerate;
  if (acc)
    lines.push(
      `  accelerate  save ${acc.save_index ?? "?"} (counts save_state calls, not steps); ${acc.files.length} files${acc.step_source ? `; step from ${acc.step_source}` : ""}`,
    );
  const peft = report.peft;
  if (peft)
    lines.push(
      `  adapter     ${peft.peft_type ?? "?"} r=${peft.r ?? "?"} alpha=${peft.lora_alpha ?? "?"} on ${JSON.stringify(peft.target_modules)}, base ${peft.base_model_name_or_path ?? "?"}`,
    );
  const orbax = report.orbax;
  if (orbax)
    lines.push(
      `  orbax       items ${orbax.items.join(", ") || "–"}, metrics ${JSON.stringify(orbax.metrics)}`,
    );
  const tf = report.tf;
  if (tf)
    lines.push(
      `  tf          pointer ${tf.model_checkpoint_path ?? "(none)"}, on disk ${tf.prefixes_on_disk.join(", ") || "–"}${tf.missing_files.length > 0 ? `, missing ${tf.missing_files.join(", ")}` : ""}`,
    );
  return lines;
}

/** The lines for a report's distributed-format facts; empty for other checkpoints. */
export function distributedFactLines(report: CheckpointReport): string[] {
  return [...deepSpeedLines(report), ...dcpLines(report), ...otherLines(report)];
}
