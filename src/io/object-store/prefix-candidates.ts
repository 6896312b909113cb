import { fail, ok, type Result } from "../../core/result.ts";
import { besideNames, type ObjectCandidate, objectCandidates } from "./object-candidates.ts";
import { type ListedObject, listObjects } from "./s3-listing.ts";
import type { S3Store } from "./s3-store.ts";
import type { StoreFailure } from "./store-failure.ts";

type NamedAlone = { readonly dir: string; readonly parent: string };

/**
 * The objects beside a folder named alone that a scan of its parent would judge it with (a DeepSpeed tag's `latest`,
 * Megatron's tracker), each listed by its exact name, so a save dir of many tags is not listed whole. Null when the
 * folder needs none (most do not: no request is made).
 */
async function besideObjects(
  store: S3Store,
  named: NamedAlone,
  listed: readonly ListedObject[],
): Promise<Result<ListedObject[] | null, StoreFailure>> {
  const { dir, parent } = named;
  const under = listed.filter((object) => object.key.startsWith(`${dir}/`));
  const entries = [...new Set(under.map((object) => object.key.slice(dir.length + 1).split("/")[0] ?? ""))];
  const names = besideNames(dir.slice(parent.length), entries);
  if (names.length === 0) return ok(null);
  const found: ListedObject[] = [];
  for (const listing of await Promise.all(names.map((name) => listObjects(store, `${parent}${name}`)))) {
    if (!listing.success) return fail(listing.error);
    found.push(...listing.data.filter((object) => names.includes(object.key.slice(parent.length))));
  }
  return ok(found);
}

/**
 * The checkpoints of a listing of `prefix` (`objectCandidates`); a prefix that is itself a DeepSpeed tag or a
 * Megatron iteration is judged with the objects beside it, as the scan of its parent would judge it, so
 * `scan`/`inspect` of `s3://b/run/global_step6` give the verdict `scan s3://b/run` gives.
 */
export async function prefixCandidates(
  store: S3Store,
  prefix: string,
  listed: readonly ListedObject[],
): Promise<Result<ObjectCandidate[], StoreFailure>> {
  const dir = prefix.replace(/\/+$/, "");
  const named = { dir, parent: dir.slice(0, dir.lastIndexOf("/") + 1) };
  const beside = dir === "" ? ok(null) : await besideObjects(store, named, listed);
  if (!beside.success) return beside;
  if (beside.data === null) return ok(objectCandidates(listed, prefix));
  const under = listed.filter((object) => object.key.startsWith(`${dir}/`));
  const found = objectCandidates([...under, ...beside.data], named.parent);
  return ok(found.filter((candidate) => candidate.key === dir));
}
