import type { Command } from "./command.ts";

// Placeholder replaced by the issue-2 validate implementation in this same session.
export const validateCommand: Command = {
  name: "validate",
  summary: "check every checkpoint's sidecar",
  usage: "ckpt validate [PATH...]",
  run: async () => 2,
};
