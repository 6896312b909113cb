import { S3Session } from "../io/object-store/s3-session.ts";
import type { CommandContext } from "./command.ts";

/** The flags every command that takes s3:// addresses accepts. */
export const S3_FLAGS = {
  profile: { type: "string" },
  endpoint: { type: "string" },
} as const;

export const S3_FLAGS_HELP = `  --profile NAME    the AWS profile for s3:// addresses (default $AWS_PROFILE, else 'default')
  --endpoint URL    an S3-compatible endpoint (default $AWS_ENDPOINT_URL, else the profile's, else AWS)
`;

/** The S3 session of one command run; nothing is read until an s3:// address is used. */
export function s3SessionOf(
  context: CommandContext,
  values: { readonly profile?: string | undefined; readonly endpoint?: string | undefined },
): S3Session {
  return new S3Session({ env: context.env, flags: { profile: values.profile, endpoint: values.endpoint } });
}
