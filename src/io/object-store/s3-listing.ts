import { fail, ok, type Result } from "../../core/result.ts";
import type { ObjectIdentity } from "./object-identity.ts";
import { listPage, type S3Store } from "./s3-store.ts";
import type { StoreFailure } from "./store-failure.ts";

/** One object of a listing: its key and the identity a read is pinned to. */
export type ListedObject = ObjectIdentity & { readonly key: string };

/**
 * Every object under `prefix` (ListObjectsV2, 1,000 a page, following continuation tokens). A store that says
 * more keys follow but sends no token, or sends the same token twice, is an error, never a silently short list.
 */
export async function listObjects(
  store: S3Store,
  prefix: string,
): Promise<Result<ListedObject[], StoreFailure>> {
  const objects: ListedObject[] = [];
  const seenTokens = new Set<string>();
  let token: string | null = null;
  for (;;) {
    const page = await listPage(store, { prefix, continuationToken: token });
    if (!page.success) return page;
    for (const item of page.data.contents ?? []) {
      if (item.size === undefined || item.eTag === undefined) continue;
      objects.push({
        key: item.key,
        size: item.size,
        etag: item.eTag,
        lastModified: item.lastModified ?? null,
      });
    }
    if (page.data.isTruncated !== true) return ok(objects);
    const next = page.data.nextContinuationToken;
    if (next === undefined || next === "" || seenTokens.has(next))
      return fail({
        code: "bad-response",
        message: `${store.urlOf(prefix)}: the listing was cut short after ${objects.length} keys: the store said more follow but sent ${next === undefined || next === "" ? "no continuation token" : "the same continuation token again"}; run the command again, or report it to the store's operator`,
      });
    seenTokens.add(next);
    token = next;
  }
}
