import { fail, ok, type Result } from "../result.ts";
import { didYouMean, nearestNames } from "../suggestions/nearest-names.ts";
import { type IniFile, type IniSection, parseIni } from "./ini-file.ts";

type Env = Readonly<Record<string, string | undefined>>;

/** One AWS file as read: where it is and its text (null when it does not exist). */
export type AwsFileText = { readonly path: string; readonly text: string | null };

export type S3SettingsInput = {
  readonly env: Env;
  /** `--profile NAME`: chosen explicitly, so its keys win over `AWS_ACCESS_KEY_ID` (as the AWS CLI does). */
  readonly profileFlag?: string | undefined;
  /** `--endpoint URL`: wins over every variable and profile. */
  readonly endpointFlag?: string | undefined;
  readonly credentialsFile: AwsFileText;
  readonly configFile: AwsFileText;
};

/** What ckpt signs S3 requests with, and where each value came from (printed on errors, never the secret). */
export type S3Settings = {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string | null;
  readonly region: string;
  /** null: AWS itself (`https://s3.REGION.amazonaws.com`). */
  readonly endpoint: string | null;
  readonly sources: { readonly credentials: string; readonly region: string; readonly endpoint: string };
};

type Keys = { accessKeyId: string; secretAccessKey: string; sessionToken: string | null; source: string };

type Profiles = { readonly name: string; readonly credentials: IniSection; readonly config: IniSection };

function sectionOf(file: IniFile, name: string): IniSection {
  return file.get(name) ?? new Map();
}

function profileNames(credentials: IniFile, config: IniFile): string[] {
  const fromConfig = [...config.keys()].flatMap((name) =>
    name === "default" ? ["default"] : name.startsWith("profile ") ? [name.slice("profile ".length)] : [],
  );
  return [...new Set([...credentials.keys(), ...fromConfig])];
}

function envValue(env: Env, name: string): string | null {
  const value = env[name];
  return value === undefined || value === "" ? null : value;
}

function keysFromEnv(env: Env): Keys | null {
  for (const prefix of ["AWS", "S3"]) {
    const accessKeyId = envValue(env, `${prefix}_ACCESS_KEY_ID`);
    const secretAccessKey = envValue(env, `${prefix}_SECRET_ACCESS_KEY`);
    if (accessKeyId !== null && secretAccessKey !== null)
      return {
        accessKeyId,
        secretAccessKey,
        sessionToken: envValue(env, `${prefix}_SESSION_TOKEN`),
        source: `$${prefix}_ACCESS_KEY_ID`,
      };
  }
  return null;
}

// Profiles that get their keys some other way; ckpt signs only with keys it is given.
const INDIRECT_KEYS = [
  "role_arn",
  "credential_process",
  "sso_session",
  "sso_start_url",
  "web_identity_token_file",
];

function keysFromProfile(profile: Profiles, files: S3SettingsInput): Result<Keys | null, string> {
  for (const [section, path] of [
    [profile.credentials, files.credentialsFile.path],
    [profile.config, files.configFile.path],
  ] as const) {
    const accessKeyId = section.get("aws_access_key_id");
    const secretAccessKey = section.get("aws_secret_access_key");
    if (accessKeyId !== undefined && secretAccessKey !== undefined)
      return ok({
        accessKeyId,
        secretAccessKey,
        sessionToken: section.get("aws_session_token") ?? null,
        source: `profile '${profile.name}' in ${path}`,
      });
    if ((accessKeyId === undefined) !== (secretAccessKey === undefined))
      return fail(
        `${path}: profile '${profile.name}' has only one of aws_access_key_id and aws_secret_access_key; add the other`,
      );
  }
  const indirect = INDIRECT_KEYS.find((key) => profile.config.has(key) || profile.credentials.has(key));
  if (indirect === undefined) return ok(null);
  return fail(
    `profile '${profile.name}' gets its keys through ${indirect}, which ckpt does not run; export them first: eval "$(aws configure export-credentials --profile ${profile.name} --format env)"`,
  );
}

function chooseProfile(
  input: S3SettingsInput,
  credentials: IniFile,
  config: IniFile,
): Result<Profiles, string> {
  const named = input.profileFlag ?? envValue(input.env, "AWS_PROFILE");
  const name = named ?? "default";
  const configName = name === "default" ? "default" : `profile ${name}`;
  const known = profileNames(credentials, config);
  if (named !== null && !known.includes(name)) {
    const where = `${input.credentialsFile.path} or ${input.configFile.path}`;
    const from = input.profileFlag === undefined ? "$AWS_PROFILE names" : "--profile names";
    const hint = didYouMean(nearestNames(name, known));
    return fail(`${from} profile '${name}', which is not in ${where}.${hint === "" ? "" : ` ${hint}`}`);
  }
  return ok({ name, credentials: sectionOf(credentials, name), config: sectionOf(config, configName) });
}

function pickKeys(input: S3SettingsInput, profile: Profiles): Result<Keys | null, string> {
  const fromProfile = keysFromProfile(profile, input);
  if (input.profileFlag !== undefined || !fromProfile.success) return fromProfile;
  return ok(keysFromEnv(input.env) ?? fromProfile.data);
}

type Sourced = { readonly value: string; readonly source: string };

function firstOf(candidates: readonly (Sourced | null)[]): Sourced | null {
  return candidates.find((candidate) => candidate !== null) ?? null;
}

function fromEnv(env: Env, name: string): Sourced | null {
  const value = envValue(env, name);
  return value === null ? null : { value, source: `$${name}` };
}

function fromProfile(profile: Profiles, key: string, path: string): Sourced | null {
  const value = profile.config.get(key);
  return value === undefined || value === ""
    ? null
    : { value, source: `profile '${profile.name}' in ${path}` };
}

function chooseEndpoint(input: S3SettingsInput, profile: Profiles): Result<Sourced | null, string> {
  const path = input.configFile.path;
  const endpoint = firstOf([
    input.endpointFlag === undefined ? null : { value: input.endpointFlag, source: "--endpoint" },
    fromEnv(input.env, "AWS_ENDPOINT_URL_S3"),
    fromEnv(input.env, "AWS_ENDPOINT_URL"),
    fromEnv(input.env, "S3_ENDPOINT"),
    fromProfile(profile, "s3.endpoint_url", path),
    fromProfile(profile, "endpoint_url", path),
  ]);
  if (endpoint === null || /^https?:\/\/[^/\s]+/.test(endpoint.value)) return ok(endpoint);
  return fail(
    `the endpoint '${endpoint.value}' (from ${endpoint.source}) is not an http:// or https:// URL; write e.g. https://minio.example:9000`,
  );
}

/**
 * Resolves S3 keys, region and endpoint as the AWS CLI does, from the environment and the two AWS files
 * (Bun's S3Client reads no files). Pure: the caller reads the files. Fails with a message naming the file or
 * variable and what to do, also when there are no keys anywhere (Bun's S3Client signs every request).
 */
export function resolveS3Settings(input: S3SettingsInput): Result<S3Settings, string> {
  const credentials = parseIni(input.credentialsFile.text ?? "");
  const config = parseIni(input.configFile.text ?? "");
  const profile = chooseProfile(input, credentials, config);
  if (!profile.success) return profile;
  const keys = pickKeys(input, profile.data);
  if (!keys.success) return keys;
  if (keys.data === null)
    return fail(
      `no S3 credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or add profile '${profile.data.name}' to ${input.credentialsFile.path} (or pass --profile NAME)`,
    );
  const endpoint = chooseEndpoint(input, profile.data);
  if (!endpoint.success) return endpoint;
  const region = firstOf([
    fromEnv(input.env, "AWS_REGION"),
    fromEnv(input.env, "AWS_DEFAULT_REGION"),
    fromEnv(input.env, "S3_REGION"),
    fromProfile(profile.data, "region", input.configFile.path),
  ]) ?? { value: "us-east-1", source: "the default" };
  return ok({
    accessKeyId: keys.data.accessKeyId,
    secretAccessKey: keys.data.secretAccessKey,
    sessionToken: keys.data.sessionToken,
    region: region.value,
    endpoint: endpoint.data?.value ?? null,
    sources: {
      credentials: keys.data.source,
      region: region.source,
      endpoint: endpoint.data?.source ?? "AWS (no endpoint set)",
    },
  });
}
