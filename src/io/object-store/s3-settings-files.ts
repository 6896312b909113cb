import { readFileSync } from "node:fs";
import { join } from "node:path";
import { errorCodeOf } from "../../core/errors/error-code.ts";
import { type AwsFileText, resolveS3Settings, type S3Settings } from "../../core/object-store/s3-settings.ts";
import { fail, type Result } from "../../core/result.ts";

type Env = Readonly<Record<string, string | undefined>>;

function readAwsFile(path: string): Result<AwsFileText, string> {
  try {
    return { success: true, data: { path, text: readFileSync(path, "utf8") } };
  } catch (error) {
    const code = errorCodeOf(error) ?? String(error);
    if (code === "ENOENT" || code === "ENOTDIR") return { success: true, data: { path, text: null } };
    return fail(
      `${path}: cannot read it (${code}); check its permissions or point AWS_CONFIG_FILE elsewhere`,
    );
  }
}

/** `$AWS_SHARED_CREDENTIALS_FILE`/`$AWS_CONFIG_FILE`, else `~/.aws/credentials` and `~/.aws/config`. */
function awsFilePaths(env: Env): { credentials: string; config: string } {
  const home = env["HOME"] ?? "/nonexistent";
  return {
    credentials: env["AWS_SHARED_CREDENTIALS_FILE"] || join(home, ".aws", "credentials"),
    config: env["AWS_CONFIG_FILE"] || join(home, ".aws", "config"),
  };
}

export type S3Flags = { readonly profile?: string | undefined; readonly endpoint?: string | undefined };

/** The S3 settings for this command: flags, environment and the two AWS files, read here because Bun reads none. */
export function loadS3Settings(env: Env, flags: S3Flags): Result<S3Settings, string> {
  const paths = awsFilePaths(env);
  const credentialsFile = readAwsFile(paths.credentials);
  if (!credentialsFile.success) return credentialsFile;
  const configFile = readAwsFile(paths.config);
  if (!configFile.success) return configFile;
  return resolveS3Settings({
    env,
    profileFlag: flags.profile,
    endpointFlag: flags.endpoint,
    credentialsFile: credentialsFile.data,
    configFile: configFile.data,
  });
}
