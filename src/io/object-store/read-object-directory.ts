import { assertNever } from "../../core/assert-never.ts";
import type { BuildDirectoryReportOptions } from "../../core/checkpoint/directory-report.ts";
import { buildDirectoryReport } from "../../core/checkpoint/directory-report.ts";
import type { DirectoryView } from "../../core/formats/hf-checkpoint-dir.ts";
import { fail, ok, type Result } from "../../core/result.ts";
import { inflate } from "../checkpoint/read-checkpoint.ts";
import type { JudgedWith } from "./object-candidates.ts";
import { HEAD_BYTES, TAIL_BYTES } from "./object-first-round.ts";
import type { ObjectIdentity } from "./object-identity.ts";
import { ObjectRangeCache, type RangeMissed } from "./object-range-cache.ts";
import { failureReport, missRanges, type ObjectRead } from "./read-object-checkpoint.ts";
import type { ListedObject } from "./s3-listing.ts";
import type { ByteRange, S3Store } from "./s3-store.ts";
import type { StoreFailure } from "./store-failure.ts";

const MAX_ROUNDS = 16;

type Member = { readonly object: ListedObject; readonly cache: ObjectRangeCache; fetched: boolean };

/** A first look at a member fetches its head and tail (If-Match the listing's ETag), as for a single object. */
function firstRanges(size: number): ByteRange[] {
  const headEnd = Math.min(HEAD_BYTES, size);
  const tailStart = Math.max(headEnd, size - TAIL_BYTES);
  const ranges: ByteRange[] = headEnd === 0 ? [] : [{ kind: "span", start: 0, end: headEnd }];
  return tailStart < size ? [...ranges, { kind: "span", start: tailStart, end: size }] : ranges;
}

function rangesFor(member: Member, misses: readonly RangeMissed[]): ByteRange[] {
  if (!member.fetched) return firstRanges(member.object.size);
  return missRanges(misses, member.object.size).map((range) => ({ kind: "span", ...range }));
}

async function fetchMisses(
  store: S3Store,
  wanted: readonly [Member, RangeMissed[]][],
): Promise<Result<null, StoreFailure>> {
  const reads = wanted.flatMap(([member, misses]) =>
    rangesFor(member, misses).map(async (range) => {
      const read = await store.getRange(member.object.key, range, member.object.etag);
      if (read.success) member.cache.add(read.data.start, read.data.bytes);
      return read;
    }),
  );
  for (const member of wanted) member[0].fetched = true;
  const failed = (await Promise.all(reads)).find((read) => !read.success);
  return failed !== undefined && !failed.success ? fail(failed.error) : ok(null);
}

export type DirectoryObjects = {
  /** The directory's prefix, ending in `/`. */
  readonly prefix: string;
  readonly objects: readonly ListedObject[];
  /** What it is judged with besides (`objectCandidates`): a DeepSpeed tag's view is its save dir, as on disk. */
  readonly judgedWith: JudgedWith | null;
};

/** The reader's options a directory is judged with: its DeepSpeed tag, or Megatron's tracker text (fetched). */
async function judgedWithOptions(
  store: S3Store,
  judgedWith: JudgedWith | null,
): Promise<Result<Partial<BuildDirectoryReportOptions>, StoreFailure>> {
  if (judgedWith === null) return ok({});
  switch (judgedWith.kind) {
    case "deepspeed-save":
      return ok({ deepSpeedTag: judgedWith.tag });
    case "megatron-tracker": {
      if (judgedWith.tracker === null) return ok({ megatronTracker: null });
      const text = await store.getText(judgedWith.tracker.key);
      // As on disk: the tracker's first bytes are all the reader needs.
      return text.success ? ok({ megatronTracker: text.data.slice(0, 256) }) : text;
    }
    default:
      return assertNever(judgedWith);
  }
}

function memberOf(object: ListedObject): Member {
  return { object, cache: new ObjectRangeCache(object.size), fetched: false };
}

/** The view's names: relative to the directory, or for a DeepSpeed tag to its save dir (`global_step6/…`, `latest`). */
function membersByName(directory: DirectoryObjects): Map<string, Member> {
  const { prefix, objects, judgedWith } = directory;
  const saveDir = judgedWith?.kind === "deepspeed-save" ? judgedWith : null;
  const under = saveDir === null ? "" : `${saveDir.tag}/`;
  const own = objects.map((object): [string, Member] => [
    `${under}${object.key.slice(prefix.length)}`,
    memberOf(object),
  ]);
  const beside = (saveDir?.beside ?? []).map((object): [string, Member] => [
    object.key.slice(object.key.lastIndexOf("/") + 1),
    memberOf(object),
  ]);
  return new Map([...own, ...beside]);
}

/**
 * A checkpoint made of several objects under one prefix (Hugging Face `checkpoint-N/`, a Lightning sharded
 * `.ckpt/`, a DeepSpeed tag with its save dir's `latest`, a DCP dir…), read by the same directory reader as on disk,
 * so the same completeness signals apply. The reader runs over what has been fetched; each object it touches is
 * fetched (head and tail, then its misses, all pinned to the listing's ETags) and the reader runs again, until it
 * touches nothing new. Never throws.
 */
export async function readObjectDirectory(store: S3Store, directory: DirectoryObjects): Promise<ObjectRead> {
  const { prefix, objects } = directory;
  const path = store.urlOf(prefix).replace(/\/+$/, "");
  const judged = await judgedWithOptions(store, directory.judgedWith);
  if (!judged.success) return { report: failureReport(path, judged.error), identity: null };
  const members = membersByName(directory);
  const view: DirectoryView = {
    names: () => [...members.keys()],
    open: (name) => members.get(name)?.cache.source(),
  };
  const dirName = prefix.replace(/\/+$/, "").split("/").at(-1) ?? "";
  for (let round = 0; round <= MAX_ROUNDS; round++) {
    const report = buildDirectoryReport(view, { ...judged.data, path, dirName, inflate });
    const wanted = [...members.values()].flatMap((member) => {
      const misses = member.cache.takeMisses();
      return misses.length === 0 ? [] : [[member, misses] as [Member, RangeMissed[]]];
    });
    if (wanted.length === 0) return { report, identity: directoryIdentity(objects) };
    const fetched = await fetchMisses(store, wanted);
    if (!fetched.success) return { report: failureReport(path, fetched.error), identity: null };
  }
  const message = `${path}: the reader still needed more bytes after ${MAX_ROUNDS} rounds of ranged reads; please report this with the objects`;
  return { report: failureReport(path, { code: "bad-response", message }), identity: null };
}

/** A directory's identity: its total size, its members' ETags in key order, and its newest member's time. */
export function directoryIdentity(objects: readonly ListedObject[]): ObjectIdentity {
  const sorted = [...objects].sort((a, b) => (a.key < b.key ? -1 : 1));
  const newest =
    sorted
      .map((object) => object.lastModified ?? "")
      .sort()
      .at(-1) ?? null;
  return {
    size: sorted.reduce((total, object) => total + object.size, 0),
    etag: sorted.map((object) => `${object.key}=${object.etag}`).join(","),
    lastModified: newest === "" ? null : newest,
  };
}
