import type { ByteSource } from "../../bytes/byte-source.ts";
import type { Completeness } from "../completeness.ts";
import { isNemoArchive } from "./nemo-archive.ts";
import { readTarMembers } from "./tar-members.ts";

/**
 * A `.nemo` tar is whole when every member's data is inside the file and tar's end-of-archive block follows
 * (`tarfile` writes it on close). Other tars (pre-0.4 torch.save) have no signal ckpt checks.
 */
export function checkTarCompleteness(source: ByteSource): Completeness {
  const listing = readTarMembers(source);
  if (!isNemoArchive(listing.members))
    return { state: "unknown", reason: "tar: not a NeMo archive; no completeness signal ckpt checks" };
  if (listing.error !== null) return { state: listing.error.code, reason: `nemo: ${listing.error.message}` };
  return { state: "complete", reason: `nemo: ${listing.members.length} members and tar's end block` };
}
