import { csvField } from "../catalog/entry-output.ts";
import { formatBytes } from "../catalog/human-units.ts";
import { escapeControl } from "../text/escape-control.ts";
import type { DuReport, DuRoot } from "./disk-usage.ts";

/** `below` shown relative to `above` when it lies inside it, else whole. */
function relativeTo(above: string, below: string): string {
  return below.startsWith(`${above}/`) ? below.slice(above.length + 1) : below;
}

function row(allocated: number, apparent: number, count: string, path: string): string {
  return `${formatBytes(allocated).padStart(9)}  ${formatBytes(apparent).padStart(9)}  ${count.padStart(11)}  ${path}`;
}

/** One line per filesystem the roots are on: its free space, and which roots. */
function freeSpaceLines(report: DuReport, show: (path: string) => string): string[] {
  const byMount = new Map<string, { free: number; total: number; roots: string[] }>();
  for (const root of report.roots) {
    const fs = root.filesystem;
    if (fs === null) continue;
    const known = byMount.get(fs.mount_point) ?? { free: fs.free_bytes, total: fs.total_bytes, roots: [] };
    known.roots.push(show(root.path));
    byMount.set(fs.mount_point, known);
  }
  return [...byMount].map(
    ([mount, fs]) =>
      `${formatBytes(fs.free).padStart(9)} free of ${formatBytes(fs.total)} on ${escapeControl(mount)} (${fs.roots.join(", ")})`,
  );
}

function rootLines(root: DuRoot, checkpoints: boolean, show: (path: string) => string): string[] {
  const count = root.runs.reduce((sum, run) => sum + run.checkpoints.length, 0);
  const lines = [row(root.allocated_bytes, root.apparent_bytes, String(count), show(root.path))];
  for (const run of root.runs) {
    const runName = relativeTo(root.path, run.dir);
    lines.push(
      row(
        run.allocated_bytes,
        run.apparent_bytes,
        String(run.checkpoints.length),
        `  ${escapeControl(runName === run.dir ? run.dir : runName)}`,
      ),
    );
    if (!checkpoints) continue;
    for (const checkpoint of run.checkpoints)
      lines.push(
        row(
          checkpoint.allocated_bytes,
          checkpoint.apparent_bytes,
          "",
          `    ${escapeControl(relativeTo(run.dir, checkpoint.path))}`,
        ),
      );
  }
  return lines;
}

/**
 * `ckpt du` as a table: each root, its runs and, with `checkpoints`, each checkpoint; biggest first at every level,
 * then the total and each filesystem's free space. `show` prints a path from disk (relative, escaped).
 */
export function renderDiskUsage(
  report: DuReport,
  options: { readonly checkpoints: boolean; readonly show: (path: string) => string },
): string {
  const lines = [`${"allocated".padStart(9)}  ${"apparent".padStart(9)}  checkpoints  path`];
  for (const root of report.roots) lines.push(...rootLines(root, options.checkpoints, options.show));
  if (report.roots.length > 1) lines.push(row(report.allocated_bytes, report.apparent_bytes, "", "total"));
  return `${[...lines, ...freeSpaceLines(report, options.show)].join("\n")}\n`;
}

/** One line per root, run and checkpoint: `level,path,run,allocated_bytes,apparent_bytes,sidecar_bytes`. */
export function renderDiskUsageCsv(report: DuReport): string {
  const lines = ["level,path,root,allocated_bytes,apparent_bytes,sidecar_bytes"];
  for (const root of report.roots) {
    const fields = (level: string, path: string, a: number, b: number, s: number | string) =>
      [level, csvField(path), csvField(root.path), a, b, s].join(",");
    lines.push(fields("root", root.path, root.allocated_bytes, root.apparent_bytes, ""));
    for (const run of root.runs) {
      lines.push(fields("run", run.dir, run.allocated_bytes, run.apparent_bytes, ""));
      for (const c of run.checkpoints)
        lines.push(fields("checkpoint", c.path, c.allocated_bytes, c.apparent_bytes, c.sidecar_bytes));
    }
  }
  return `${lines.join("\n")}\n`;
}
