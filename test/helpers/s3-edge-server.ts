// Test-only: a tiny S3 look-alike on 127.0.0.1 that misbehaves as real stores do, one switch per behaviour.

/** One version of an object: its size, ETag and bytes by range (so a multi-GB object needs no memory). */
export type EdgeVersion = {
  readonly size: number;
  readonly etag: string;
  read(start: number, end: number): Uint8Array;
};

export type EdgeBehaviour = {
  /** false: a suffix range (`bytes=-N`) is ignored and the whole object sent with 200, as some stores do. */
  readonly suffixRanges?: boolean;
  /** false: every Range is ignored (200 with the whole object). */
  readonly ranges?: boolean;
  /** The first N requests get 503 SlowDown. */
  readonly slowDowns?: number;
  /** After this many object requests the object is replaced by `versions[1]`. */
  readonly replaceAfter?: number;
  /** true: a truncated listing page comes without its NextContinuationToken. */
  readonly dropContinuationToken?: boolean;
};

export type EdgeRequest = {
  readonly method: string;
  readonly range: string | null;
  readonly ifMatch: string | null;
  readonly status: number;
};

export type EdgeServer = {
  readonly endpoint: string;
  readonly env: Record<string, string>;
  readonly requests: EdgeRequest[];
  /** Bytes of object bodies sent. */
  sentBytes(): number;
  stop(): void;
};

export function versionOf(bytes: Uint8Array, etag: string): EdgeVersion {
  return { size: bytes.length, etag, read: (start, end) => bytes.subarray(start, end) };
}

function xmlError(status: number, code: string): Response {
  return new Response(
    `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${code}</Message></Error>`,
    {
      status,
      headers: { "content-type": "application/xml" },
    },
  );
}

function parseRange(header: string, size: number): { start: number; end: number } | "suffix" | null {
  const suffix = /^bytes=-(\d+)$/.exec(header);
  if (suffix !== null) return "suffix";
  const span = /^bytes=(\d+)-(\d*)$/.exec(header);
  if (span === null) return null;
  const start = Number(span[1]);
  const end = span[2] === "" ? size : Math.min(size, Number(span[2]) + 1);
  return start < size ? { start, end } : null;
}

function listing(
  keys: readonly { key: string; version: EdgeVersion }[],
  start: number,
  dropToken: boolean,
): Response {
  const page = keys.slice(start, start + 2);
  const truncated = start + 2 < keys.length;
  const contents = page
    .map(
      ({ key, version }) =>
        `<Contents><Key>${key}</Key><LastModified>2026-12-01T00:00:00.000Z</LastModified><ETag>${version.etag.replaceAll('"', "&quot;")}</ETag><Size>${version.size}</Size><StorageClass>STANDARD</StorageClass></Contents>`,
    )
    .join("");
  const token = truncated && !dropToken ? `<NextContinuationToken>${start + 2}</NextContinuationToken>` : "";
  return new Response(
    `<?xml version="1.0" encoding="UTF-8"?><ListBucketResult><Name>edge</Name><Prefix></Prefix><KeyCount>${page.length}</KeyCount><MaxKeys>2</MaxKeys><IsTruncated>${truncated}</IsTruncated>${token}${contents}</ListBucketResult>`,
    { headers: { "content-type": "application/xml" } },
  );
}

/** A 200 with the whole object, streamed 64 KiB at a time so a client that stops reading stops the sending. */
function wholeObject(
  version: EdgeVersion,
  headers: Record<string, string>,
  onSent: (count: number) => void,
): Response {
  let offset = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (offset >= version.size) return controller.close();
      const chunk = version.read(offset, Math.min(version.size, offset + 65536));
      offset += chunk.length;
      onSent(chunk.length);
      controller.enqueue(chunk);
    },
  });
  return new Response(body, { status: 200, headers: { ...headers, "content-length": String(version.size) } });
}

/** Serves bucket `edge` with one object per key (`versions[0]`, then `versions[1]` after `replaceAfter`). */
export function startEdgeServer(
  objects: Record<string, readonly EdgeVersion[]>,
  behaviour: EdgeBehaviour = {},
): EdgeServer {
  const requests: EdgeRequest[] = [];
  let objectRequests = 0;
  let sent = 0;
  const versionNow = (versions: readonly EdgeVersion[]): EdgeVersion => {
    const replaced = behaviour.replaceAfter !== undefined && objectRequests > behaviour.replaceAfter;
    const version = (replaced ? versions[1] : undefined) ?? versions[0];
    if (version === undefined) throw new Error("an edge object needs at least one version");
    return version;
  };

  function answer(request: Request): Response {
    const url = new URL(request.url);
    const key = decodeURIComponent(url.pathname.replace(/^\/edge\/?/, ""));
    if (requests.length < (behaviour.slowDowns ?? 0)) return xmlError(503, "SlowDown");
    if (url.searchParams.get("list-type") === "2") {
      const keys = Object.entries(objects).map(([name, versions]) => ({
        key: name,
        version: versionNow(versions),
      }));
      return listing(
        keys,
        Number(url.searchParams.get("continuation-token") ?? "0"),
        behaviour.dropContinuationToken ?? false,
      );
    }
    // A read-only bucket: every write is refused, as for keys without s3:PutObject.
    if (request.method === "PUT") return xmlError(403, "AccessDenied");
    const versions = objects[key];
    objectRequests++;
    if (key.startsWith("forbidden")) return xmlError(403, "AccessDenied");
    if (versions === undefined) return xmlError(404, "NoSuchKey");
    const version = versionNow(versions);
    const headers = { etag: version.etag, "last-modified": "Tue, 01 Dec 2026 00:00:00 GMT" };
    const ifMatch = request.headers.get("if-match");
    if (ifMatch !== null && ifMatch !== version.etag) return xmlError(412, "PreconditionFailed");
    if (request.method === "HEAD")
      return new Response(null, { headers: { ...headers, "content-length": String(version.size) } });
    const header = request.headers.get("range");
    let range = header === null || behaviour.ranges === false ? null : parseRange(header, version.size);
    if (range === "suffix" && behaviour.suffixRanges !== false) {
      const length = Number(header?.slice("bytes=-".length));
      range = { start: Math.max(0, version.size - length), end: version.size };
    }
    if (range === null || range === "suffix")
      return wholeObject(version, headers, (count) => (sent += count));
    const body = version.read(range.start, range.end);
    sent += body.length;
    return new Response(body, {
      status: 206,
      headers: { ...headers, "content-range": `bytes ${range.start}-${range.end - 1}/${version.size}` },
    });
  }

  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch(request) {
      const response = answer(request);
      requests.push({
        method: request.method,
        range: request.headers.get("range"),
        ifMatch: request.headers.get("if-match"),
        status: response.status,
      });
      return response;
    },
  });
  const endpoint = `http://127.0.0.1:${server.port}`;
  return {
    endpoint,
    env: {
      AWS_ACCESS_KEY_ID: "k",
      AWS_SECRET_ACCESS_KEY: "s",
      AWS_REGION: "us-east-1",
      AWS_ENDPOINT_URL: endpoint,
      HOME: "/nonexistent",
    },
    requests,
    sentBytes: () => sent,
    stop: () => void server.stop(true),
  };
}
