import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { AppError } from "../core/errors/app-error.ts";
import { renderValidationReport } from "../core/validation/render-validation-report.ts";
import { buildValidationReport, validationExitCode } from "../core/validation/validation-report.ts";
import { fsPath } from "../io/fs/fs-path.ts";
import { auditSidecars } from "../io/sidecar/sidecar-audit.ts";
import type { Command, CommandContext } from "./command.ts";
import { displayMessageFrom, displayPathFrom } from "./display-path.ts";
import { parseFlags } from "./parse-flags.ts";

const USAGE = `Usage: ckpt validate [PATH...] [options]

Checks the metadata sidecar of every checkpoint under PATH (default: the current directory) and reports each
checkpoint as valid, invalid (every problem with file, line, field and message) or missing, plus orphan
sidecars whose checkpoint is gone.

Options:
  --no-recursive    only look at the given directories, not below them
  --follow-symlinks also follow symlinks that lead out of PATH (by default they are skipped and named)
  --allow-missing   checkpoints without a sidecar do not fail the run
  --json            print the report as JSON
  -h, --help        show this help

Exit codes: 0 all valid, 1 some invalid or missing, 2 usage or I/O error.

Examples:
  ckpt validate runs
  ckpt validate runs --allow-missing --json
`;

async function run(context: CommandContext): Promise<number> {
  const { values, positionals } = parseFlags("validate", context.args, {
    "no-recursive": { type: "boolean", default: false },
    "follow-symlinks": { type: "boolean", default: false },
    "allow-missing": { type: "boolean", default: false },
    json: { type: "boolean", default: false },
  });
  if (values.help) {
    context.stdout.write(USAGE);
    return 0;
  }
  const roots = (positionals.length > 0 ? positionals : ["."]).map((path) => resolve(context.cwd, path));
  const absent = roots.find((root) => !existsSync(fsPath(root)));
  if (absent !== undefined) {
    throw new AppError(
      "not-found",
      `validate: ${absent} does not exist; pass a checkpoint or a directory of them.`,
    );
  }
  const audit = auditSidecars(roots, {
    recursive: !values["no-recursive"],
    followSymlinks: values["follow-symlinks"],
  });
  const shown = displayMessageFrom(context.cwd);
  for (const notice of audit.notices) context.stderr.write(`ckpt: ${shown(notice)}\n`);
  const report = buildValidationReport(audit);
  if (values.json) context.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  else context.stdout.write(renderValidationReport(report, { displayPath: displayPathFrom(context.cwd) }));
  return validationExitCode(report.summary, { allowMissing: values["allow-missing"] });
}

export const validateCommand: Command = {
  name: "validate",
  summary: "check every checkpoint's sidecar: valid, invalid, missing, orphan",
  usage: USAGE,
  run,
};
