import { parseMetadataJson } from "../catalog/catalog-rows.ts";
import type { ReadResult } from "./catalog-read-batch.ts";

/**
 * A read result as a worker posts it: the metadata as JSON text. `postMessage` clones a 2 KB metadata object in
 * ~65 µs (half of it on the main thread, which also writes the catalog); a string is copied in well under 1 µs, and
 * stringify plus parse cost ~15 µs; the row stores the text as it came (`parseMetadataJson`), not a second
 * stringify. A row whose sidecar is valid does not store its metadata (the sidecar holds
 * it), so the main thread gets none unless the file is unsafe (it names the globals).
 */
export type WireResult = { readonly result: ReadResult; readonly metadataJson: string | null };

export function toWire(result: ReadResult): WireResult {
  if (!result.ok) return { result, metadataJson: null };
  const { entry } = result.outcome;
  if (entry.metadata === null) return { result, metadataJson: null };
  const stripped = { ok: true, outcome: { ...result.outcome, entry: { ...entry, metadata: null } } } as const;
  if (entry.sidecar === "valid" && entry.status !== "unsafe") return { result: stripped, metadataJson: null };
  return { result: stripped, metadataJson: JSON.stringify(entry.metadata) };
}

export function fromWire({ result, metadataJson }: WireResult): ReadResult {
  if (metadataJson === null || !result.ok) return result;
  const { outcome } = result;
  return {
    ok: true,
    outcome: { ...outcome, entry: { ...outcome.entry, metadata: parseMetadataJson(metadataJson) } },
  };
}
