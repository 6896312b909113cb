import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { AppError } from "../core/errors/app-error.ts";
import { renderValidationReport } from "../core/validation/render-validation-report.ts";
import { buildValidationReport } from "../core/validation/validation-report.ts";
import { auditSidecars } from "../io/sidecar-audit.ts";
import type { Command, CommandContext } from "./command.ts";
import { parseFlags } from "./parse-flags.ts";
import { displayPathFrom } from "./validate-command.ts";

const USAGE = `Usage: ckpt demo

Validates the example outputs tree that ships with the source (examples/outputs) and prints the report, so you
can see every status ckpt reports: valid, invalid (with file:line), missing, a symlinked last.ckpt, an orphan.
`;

const EXAMPLES = resolve(import.meta.dir, "../../examples/outputs");

async function run(context: CommandContext): Promise<number> {
  const { values } = parseFlags("demo", context.args, {});
  if (values.help) {
    context.stdout.write(USAGE);
    return 0;
  }
  if (!existsSync(EXAMPLES)) {
    throw new AppError(
      "not-found",
      "demo: the example tree ships with the source checkout; run it from there (npm run demo).",
    );
  }
  context.stdout.write(`ckpt validate ${join("examples", "outputs")}\n\n`);
  const report = buildValidationReport(auditSidecars([EXAMPLES], { recursive: true }));
  context.stdout.write(
    renderValidationReport(report, { displayPath: displayPathFrom(resolve(EXAMPLES, "../..")) }),
  );
  return 0;
}

export const demoCommand: Command = {
  name: "demo",
  summary: "validate the bundled example tree",
  usage: USAGE,
  run,
};
