import { errorCodeOf } from "../../core/errors/error-code.ts";
import type { S3Settings } from "../../core/object-store/s3-settings.ts";
import { s3UrlText } from "../../core/object-store/s3-url.ts";
import { fail, ok, type Result } from "../../core/result.ts";
import {
  failureOfStatus,
  isRetryable,
  networkFailure,
  type StoreFailure,
  s3ErrorCode,
} from "./store-failure.ts";

/** `[start, end)` of an object, or its last `length` bytes (sent as a suffix range, never Bun's `slice(-n)`). */
export type ByteRange =
  | { readonly kind: "span"; readonly start: number; readonly end: number }
  | { readonly kind: "suffix"; readonly length: number };

/** The bytes of one 206 answer, where they start, the object's whole size and the ETag they belong to. */
export type RangeBytes = {
  readonly start: number;
  readonly bytes: Uint8Array;
  readonly size: number;
  readonly etag: string;
  readonly lastModified: string | null;
};

/** Requests sent and body bytes received, for `inspect`'s report and the bench. */
export type StoreCounters = { requests: number; bytes: number };

export type RetryPolicy = {
  readonly attempts: number;
  readonly baseMs: number;
  readonly sleep: (ms: number) => Promise<void>;
};

export const DEFAULT_RETRY: RetryPolicy = { attempts: 5, baseMs: 200, sleep: (ms) => Bun.sleep(ms) };

/** The pause before try `attempt + 1`: exponential, with jitter so clients that failed together do not retry together. */
function backOff(retry: RetryPolicy, attempt: number): Promise<void> {
  return retry.sleep(retry.baseMs * 2 ** attempt * (0.5 + Math.random() / 2));
}

export type S3StoreOptions = {
  readonly settings: S3Settings;
  readonly bucket: string;
  readonly retry?: RetryPolicy;
};

function rangeHeader(range: ByteRange): string {
  return range.kind === "span" ? `bytes=${range.start}-${range.end - 1}` : `bytes=-${range.length}`;
}

/** `bytes 0-99/1000` → start and size; null when the header is missing or not that shape. */
function contentRange(header: string | null): { start: number; size: number } | null {
  const match = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(header ?? "");
  return match === null ? null : { start: Number(match[1]), size: Number(match[3]) };
}

/**
 * One bucket of an S3-compatible store, read with explicit ranges and `If-Match` through presigned URLs
 * (Bun's S3Client has no If-Match option and a broken `slice(-n)`). Retries 503 SlowDown and 5xx with backoff.
 */
export class S3Store {
  readonly counters: StoreCounters = { requests: 0, bytes: 0 };
  readonly client: Bun.S3Client;
  readonly settings: S3Settings;
  readonly bucket: string;
  readonly retry: RetryPolicy;

  constructor(options: S3StoreOptions) {
    this.settings = options.settings;
    this.bucket = options.bucket;
    this.retry = options.retry ?? DEFAULT_RETRY;
    this.client = new Bun.S3Client({
      accessKeyId: options.settings.accessKeyId,
      secretAccessKey: options.settings.secretAccessKey,
      ...(options.settings.sessionToken === null ? {} : { sessionToken: options.settings.sessionToken }),
      region: options.settings.region,
      ...(options.settings.endpoint === null ? {} : { endpoint: options.settings.endpoint }),
      bucket: options.bucket,
    });
  }

  urlOf(key: string): string {
    return s3UrlText({ bucket: this.bucket, key });
  }

  /** Sends one request, again after a pause while the store answers 503/5xx; a network error is tried twice. */
  async send(key: string, init: { method: "GET" | "HEAD"; headers: Record<string, string> }) {
    const url = this.client.presign(key, { method: init.method, expiresIn: 3600 });
    let lastNetworkError: unknown = null;
    for (let attempt = 0; ; attempt++) {
      this.counters.requests++;
      try {
        const response = await fetch(url, { ...init, redirect: "manual" });
        if (!isRetryable(response.status) || attempt + 1 >= this.retry.attempts) return ok(response);
        await response.body?.cancel();
      } catch (error) {
        lastNetworkError = error;
        if (attempt >= 1) return fail(networkFailure(this.urlOf(key), this.settings, lastNetworkError));
      }
      await backOff(this.retry, attempt);
    }
  }

  async #failureOf(key: string, response: Response): Promise<StoreFailure> {
    const body = hasBody(response) ? await response.text() : "";
    return failureOfStatus({
      url: this.urlOf(key),
      status: response.status,
      s3Code: s3ErrorCode(body),
      settings: this.settings,
    });
  }

  /** The bytes of `range`; 206 and (with `ifMatch`) the same ETag or a failure: never a whole-object download. */
  async getRange(
    key: string,
    range: ByteRange,
    ifMatch: string | null,
  ): Promise<Result<RangeBytes, StoreFailure>> {
    const headers: Record<string, string> = { Range: rangeHeader(range) };
    if (ifMatch !== null) headers["If-Match"] = ifMatch;
    const sent = await this.send(key, { method: "GET", headers });
    if (!sent.success) return sent;
    const response = sent.data;
    if (response.status === 200) {
      await response.body?.cancel();
      return fail({
        code: "range-ignored",
        message: `${this.urlOf(key)}: the store answered 200 (the whole object) to a ranged read; ckpt reads checkpoints only with byte ranges, so it stopped. Use a store that supports Range requests`,
      });
    }
    if (response.status !== 206) return fail(await this.#failureOf(key, response));
    const span = contentRange(response.headers.get("content-range"));
    const etag = response.headers.get("etag");
    const bytes = new Uint8Array(await response.arrayBuffer());
    this.counters.bytes += bytes.length;
    if (span === null || etag === null)
      return fail({
        code: "bad-response",
        message: `${this.urlOf(key)}: the store's 206 answer lacks ${span === null ? "a Content-Range" : "an ETag"} header; ckpt cannot tell which bytes of which version it got`,
      });
    if (ifMatch !== null && etag !== ifMatch)
      return fail({ code: "changed", message: `${this.urlOf(key)}: the object changed while it was read` });
    return ok({
      start: span.start,
      bytes,
      size: span.size,
      etag,
      lastModified: response.headers.get("last-modified"),
    });
  }

  /** A small object's text (a sidecar), whole. */
  async getText(key: string): Promise<Result<string, StoreFailure>> {
    const sent = await this.send(key, { method: "GET", headers: {} });
    if (!sent.success) return sent;
    if (sent.data.status !== 200) return fail(await this.#failureOf(key, sent.data));
    const bytes = new Uint8Array(await sent.data.arrayBuffer());
    this.counters.bytes += bytes.length;
    return ok(new TextDecoder().decode(bytes));
  }

  /** Writes a small object (a sidecar) in one PUT, which S3 makes visible whole or not at all. */
  async putText(key: string, text: string): Promise<Result<null, StoreFailure>> {
    this.counters.requests++;
    try {
      await this.client.write(key, text, { type: "application/yaml" });
      return ok(null);
    } catch (error) {
      return fail(clientFailure({ url: this.urlOf(key), settings: this.settings, error }).failure);
    }
  }

  /** Size, ETag and last-modified from a HEAD request. */
  async head(
    key: string,
  ): Promise<Result<{ size: number; etag: string; lastModified: string | null }, StoreFailure>> {
    const sent = await this.send(key, { method: "HEAD", headers: {} });
    if (!sent.success) return sent;
    const response = sent.data;
    if (response.status !== 200) return fail(await this.#failureOf(key, response));
    const size = Number(response.headers.get("content-length"));
    const etag = response.headers.get("etag");
    if (!Number.isSafeInteger(size) || etag === null)
      return fail({
        code: "bad-response",
        message: `${this.urlOf(key)}: the store's HEAD answer lacks a size or an ETag`,
      });
    return ok({ size, etag, lastModified: response.headers.get("last-modified") });
  }
}

/** One page of ListObjectsV2 as Bun returns it. */
export type ListPage = Awaited<ReturnType<Bun.S3Client["list"]>>;

// What Bun's S3Error codes mean as HTTP statuses, so list and PUT failures get the same advice as reads.
const S3_CODE_STATUS: Readonly<Record<string, number>> = {
  NoSuchBucket: 404,
  NoSuchKey: 404,
  AccessDenied: 403,
  InvalidAccessKeyId: 403,
  SignatureDoesNotMatch: 403,
  SlowDown: 503,
  ServiceUnavailable: 503,
  InternalError: 500,
};

/**
 * What Bun's S3 client threw, as the failure a plain HTTP answer with that status gets (same advice for a list or
 * a PUT as for a read); an error without a known S3 code never reached the store. `status` says whether to retry.
 */
function clientFailure(facts: {
  readonly url: string;
  readonly settings: S3Settings;
  readonly error: unknown;
}): {
  readonly status: number | null;
  readonly failure: StoreFailure;
} {
  const code = errorCodeOf(facts.error);
  const status = code === null ? undefined : S3_CODE_STATUS[code];
  if (status === undefined)
    return { status: null, failure: networkFailure(facts.url, facts.settings, facts.error) };
  const failure = failureOfStatus({ url: facts.url, status, s3Code: code, settings: facts.settings });
  return { status, failure };
}

/** One ListObjectsV2 request, again after a pause while the store says SlowDown. */
export async function listPage(
  store: S3Store,
  request: { readonly prefix: string; readonly continuationToken: string | null },
): Promise<Result<ListPage, StoreFailure>> {
  const retry = store.retry;
  const url = store.urlOf(request.prefix);
  for (let attempt = 0; ; attempt++) {
    store.counters.requests++;
    try {
      const options = { prefix: request.prefix, maxKeys: 1000 };
      const token = request.continuationToken;
      return ok(await store.client.list(token === null ? options : { ...options, continuationToken: token }));
    } catch (error) {
      const { status, failure } = clientFailure({ url, settings: store.settings, error });
      if (status === null || !isRetryable(status) || attempt + 1 >= retry.attempts) return fail(failure);
    }
    await backOff(retry, attempt);
  }
}

/** HEAD answers have no body to read for an error code. */
function hasBody(response: Response): boolean {
  return response.body !== null;
}
