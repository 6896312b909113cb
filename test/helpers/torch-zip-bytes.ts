import { materializeWritePlan, planTorchZip, torchSaveEntries } from "../../src/core/formats/zip-writer.ts";

/** A small, complete torch-style zip; `fill` varies the payload so two calls can differ in size and content. */
export function torchZipBytes(
  options: { readonly storageBytes?: number; readonly fill?: number } = {},
): Uint8Array {
  const storage = new Uint8Array(options.storageBytes ?? 4096).fill(options.fill ?? 1);
  const dataPkl = new Uint8Array([0x80, 0x02, 0x7d, 0x71, 0x00, 0x2e]);
  return materializeWritePlan(planTorchZip(torchSaveEntries({ root: "ck", dataPkl, storages: [storage] })));
}
