/**
 * What a shared catalog's NOTIFY says: which host committed and, when the lists fit in a notification, which of
 * its paths were written and removed, so a reader fetches those rows instead of every row. `null` lists: the
 * change was too large to name; read that host's rows again.
 */
export type ChangeNotice = {
  readonly host: string;
  readonly upserted: readonly string[] | null;
  readonly removed: readonly string[] | null;
};

/** PostgreSQL's NOTIFY payload limit is 8000 bytes; a margin for the JSON around the lists. */
const MAX_PAYLOAD_BYTES = 7_500;

const encoder = new TextEncoder();

export function encodeChangeNotice(notice: ChangeNotice): string {
  const full = JSON.stringify(notice);
  if (encoder.encode(full).length <= MAX_PAYLOAD_BYTES) return full;
  return JSON.stringify({ host: notice.host, upserted: null, removed: null });
}

function pathList(value: unknown): string[] | null {
  return Array.isArray(value) && value.every((item) => typeof item === "string") ? value : null;
}

/** A payload back as a notice; null for anything else (another program's NOTIFY on the channel). */
export function decodeChangeNotice(payload: string): ChangeNotice | null {
  try {
    const parsed: unknown = JSON.parse(payload);
    if (typeof parsed !== "object" || parsed === null) return null;
    const { host, upserted, removed } = parsed as Record<string, unknown>;
    if (typeof host !== "string") return null;
    return { host, upserted: pathList(upserted), removed: pathList(removed) };
  } catch {
    return null;
  }
}
