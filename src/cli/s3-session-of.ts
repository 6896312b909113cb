import { S3Session } from "../io/object-store/s3-session.ts";
import type { CommandContext } from "./command.ts";

/**
 * The S3 session of one command run; nothing is read until an s3:// address is used. Apart from `s3-flags.ts` so
 * that a command taking the flags loads the S3 modules only when it builds a session.
 */
export function s3SessionOf(
  context: CommandContext,
  values: { readonly profile?: string | undefined; readonly endpoint?: string | undefined },
): S3Session {
  return new S3Session({ env: context.env, flags: { profile: values.profile, endpoint: values.endpoint } });
}
