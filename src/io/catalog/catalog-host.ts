import { hostname } from "node:os";

/**
 * The name this host's rows carry in a shared catalog: `CKPT_HOST` when set (two containers on one machine, or a
 * name kinder than the hostname), else the machine's hostname.
 */
export function catalogHost(env: Readonly<Record<string, string | undefined>>): string {
  const named = env["CKPT_HOST"]?.trim();
  return named !== undefined && named !== "" ? named : hostname();
}
