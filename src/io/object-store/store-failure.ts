import { errorCodeOf } from "../../core/errors/error-code.ts";
import type { S3Settings } from "../../core/object-store/s3-settings.ts";

/** Why a request to an object store did not give what ckpt asked for; `message` names the object and what to do. */
export type StoreFailure = {
  readonly code:
    | "not-found"
    | "access-denied"
    | "changed"
    | "invalid-range"
    | "range-ignored"
    | "throttled"
    | "network"
    | "bad-response";
  readonly message: string;
};

/** The `<Code>` of an S3 XML error body ("NoSuchKey"), or null. */
export function s3ErrorCode(body: string): string | null {
  return /<Code>([^<]*)<\/Code>/.exec(body)?.[1] ?? null;
}

function where(settings: S3Settings): string {
  return settings.endpoint === null ? `AWS (${settings.region})` : settings.endpoint;
}

export type FailureFacts = {
  readonly url: string;
  readonly status: number;
  readonly s3Code: string | null;
  readonly settings: S3Settings;
};

function statusText(facts: FailureFacts): string {
  return facts.s3Code === null ? `${facts.status}` : `${facts.status} ${facts.s3Code}`;
}

/** The failure for an HTTP answer that is not the one wanted, with the advice for its status. */
export function failureOfStatus(facts: FailureFacts): StoreFailure {
  const said = statusText(facts);
  const { url, settings } = facts;
  if (facts.status === 404)
    return {
      code: "not-found",
      message:
        facts.s3Code === "NoSuchBucket"
          ? `${url}: no such bucket at ${where(settings)} (${said}); check the bucket name and the endpoint (from ${settings.sources.endpoint})`
          : `${url}: no such object (${said}); check the key ('ckpt ls' of its prefix lists what is there)`,
    };
  if (facts.status === 403 || facts.status === 401)
    return {
      code: "access-denied",
      message: `${url}: access denied (${said}); check that the keys from ${settings.sources.credentials} may read it (s3:GetObject, s3:ListBucket) and that the region (${settings.region}, from ${settings.sources.region}) is the bucket's`,
    };
  if (facts.status === 412)
    return { code: "changed", message: `${url}: the object changed while it was read (${said})` };
  if (facts.status === 416)
    return {
      code: "invalid-range",
      message: `${url}: the store refused the byte range ckpt asked for (${said}); the object may have shrunk: run the command again`,
    };
  if (facts.status === 503 || facts.status === 500 || facts.status === 502 || facts.status === 504)
    return {
      code: "throttled",
      message: `${url}: the store kept answering ${said} after several tries with backoff; wait a minute and run the command again`,
    };
  return { code: "bad-response", message: `${url}: unexpected answer ${said} from ${where(settings)}` };
}

/** A request that never got an answer: the endpoint is wrong or unreachable. */
export function networkFailure(url: string, settings: S3Settings, cause: unknown): StoreFailure {
  const detail = errorCodeOf(cause) ?? (cause instanceof Error ? cause.message : String(cause));
  return {
    code: "network",
    message: `${url}: cannot reach ${where(settings)} (${detail}); check the endpoint (from ${settings.sources.endpoint}) and the network`,
  };
}

/** Statuses worth another try after a pause: S3's SlowDown (503) and passing server errors. */
export function isRetryable(status: number): boolean {
  return status === 503 || status === 500 || status === 502 || status === 504;
}
