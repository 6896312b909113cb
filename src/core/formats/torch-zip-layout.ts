import { z } from "zod";
import type { ByteSource } from "../bytes/byte-source.ts";
import { fail, ok, type Result } from "../result.ts";
import { decimalSuffix } from "./pickle/decimal-text.ts";
import type { ZipDirectory, ZipEntry, ZipError } from "./zip-directory.ts";
import { type ReadZipEntryOptions, readZipEntry } from "./zip-entry-reader.ts";

export const TORCH_ZIP_KINDS = ["torch-save", "torchscript", "torch-package", "other-zip"] as const;
export type TorchZipKind = (typeof TORCH_ZIP_KINDS)[number];

/** Small text records, by their name relative to the archive root. */
const RECORD_NAMES = {
  version: "version",
  dataVersion: ".data/version",
  byteorder: "byteorder",
  formatVersion: ".format_version",
  storageAlignment: ".storage_alignment",
  serializationId: ".data/serialization_id",
} as const;
type RecordKey = keyof typeof RECORD_NAMES;
const recordKeyByName = new Map(
  (Object.keys(RECORD_NAMES) as RecordKey[]).map((key) => [RECORD_NAMES[key] as string, key]),
);

/** Where everything sits in a torch zip; pure over the central directory (no reads). */
export type TorchZipLayout = {
  readonly kind: TorchZipKind;
  /** Archive root without the slash (`archive`, `tmp.pth`, `best`); undefined when no entry has a directory. */
  readonly prefix: string | undefined;
  readonly dataPkl: ZipEntry | undefined;
  /** `data/<key>` records by key, in directory order. */
  readonly storages: ReadonlyMap<string, ZipEntry>;
  readonly records: Readonly<Partial<Record<RecordKey, ZipEntry>>>;
  /** Entries that are neither `data.pkl` nor a storage, in directory order. */
  readonly otherRecords: readonly ZipEntry[];
  readonly warnings: readonly string[];
  readonly entries: readonly ZipEntry[];
};

const DATA_PKL = /^([^/]+)\/data\.pkl$/;
const STORAGE_DIR = "data/";

function findPrefix(entries: readonly ZipEntry[], warnings: string[]): string | undefined {
  const roots: string[] = [];
  for (const entry of entries) {
    // `<root>/data.pkl` with a one-segment root (what DATA_PKL matches), tested without a regex per entry.
    const name = entry.name;
    if (!name.endsWith("/data.pkl")) continue;
    const root = DATA_PKL.exec(name)?.[1];
    if (root !== undefined) roots.push(root);
  }
  if (roots.length > 1)
    warnings.push(`${roots.length} data.pkl records (${roots.join(", ")}); using the first`);
  // Without data.pkl, fall back to torch's own rule: the first entry's directory.
  const first = entries[0]?.name;
  const prefix = roots[0] ?? (first?.includes("/") ? first.slice(0, first.indexOf("/")) : undefined);
  if (prefix === undefined) return prefix;
  const root = `${prefix}/`;
  let strays = 0;
  let firstStray: string | undefined;
  for (const entry of entries)
    if (!entry.name.startsWith(root)) {
      strays += 1;
      firstStray ??= entry.name;
    }
  if (strays > 0)
    warnings.push(`${strays} entries outside the archive root "${prefix}/" (first: "${firstStray}")`);
  return prefix;
}

function classify(names: ReadonlySet<string>, dataPkl: ZipEntry | undefined): TorchZipKind {
  if (dataPkl !== undefined) return names.has("constants.pkl") ? "torchscript" : "torch-save";
  return names.has(".data/version") || names.has(".data/extern_modules") ? "torch-package" : "other-zip";
}

/** Finds the archive root, `data.pkl`, storages and the small records, and tells torch.save, TorchScript and torch.package apart. */
export function analyzeTorchZip(directory: ZipDirectory): TorchZipLayout {
  const { entries } = directory;
  const warnings: string[] = [];
  const prefix = findPrefix(entries, warnings);
  const root = prefix === undefined ? "" : `${prefix}/`;
  const storageAt = root.length + STORAGE_DIR.length;
  let dataPkl: ZipEntry | undefined;
  const storages = new Map<string, ZipEntry>();
  const records: Partial<Record<RecordKey, ZipEntry>> = {};
  const otherRecords: ZipEntry[] = [];
  const names = new Set<string>();
  // One pass, one slice per entry: a storage's key is cut straight from the full name.
  for (const entry of entries) {
    const { name } = entry;
    if (!name.startsWith(root)) {
      otherRecords.push(entry);
      continue;
    }
    if (
      name.startsWith(STORAGE_DIR, root.length) &&
      name.length > storageAt &&
      !name.includes("/", storageAt)
    ) {
      storages.set(decimalSuffix(name, storageAt) ?? name.slice(storageAt), entry);
      continue;
    }
    const relative = name.slice(root.length);
    names.add(relative);
    if (relative === "data.pkl" && dataPkl === undefined) dataPkl = entry;
    else otherRecords.push(entry);
    const recordKey = recordKeyByName.get(relative);
    if (recordKey !== undefined) records[recordKey] = entry;
  }
  return {
    kind: classify(names, dataPkl),
    prefix,
    dataPkl,
    storages,
    records,
    otherRecords,
    warnings,
    entries,
  };
}

export type TorchZipRecords = {
  /** `version` (or TorchScript's `.data/version`), trimmed; torch.save writes "3". */
  readonly version: string | undefined;
  /** Absent before torch 2.1, which means little-endian. */
  readonly byteorder: string | undefined;
  readonly formatVersion: string | undefined;
  readonly storageAlignment: string | undefined;
  readonly serializationId: string | undefined;
};

const RECORD_MAX_BYTES = 4096;
const latin1 = new TextDecoder("latin1");

/** Reads the few small text records (a few bytes each). */
export function readTorchZipRecords(
  source: ByteSource,
  layout: TorchZipLayout,
): Result<TorchZipRecords, ZipError> {
  const values: Partial<Record<RecordKey, string>> = {};
  for (const key of Object.keys(RECORD_NAMES) as RecordKey[]) {
    const entry = layout.records[key];
    if (entry === undefined) continue;
    const bytes = readZipEntry(source, entry, { maxBytes: RECORD_MAX_BYTES });
    if (!bytes.success) return bytes;
    values[key] = latin1.decode(bytes.data).trim();
  }
  return ok({
    version: values.version ?? values.dataVersion,
    byteorder: values.byteorder,
    formatVersion: values.formatVersion,
    storageAlignment: values.storageAlignment,
    serializationId: values.serializationId,
  });
}

export type ReadStorageOptions = ReadZipEntryOptions & {
  readonly layout: TorchZipLayout;
  /** The persistent-id key, e.g. "0". */
  readonly key: string;
};

/** Bytes of one `data/<key>` storage, e.g. to read a 0-d tensor such as Lightning's `best_model_score`. */
export function readStorageRecord(
  source: ByteSource,
  options: ReadStorageOptions,
): Result<Uint8Array, ZipError> {
  const entry = options.layout.storages.get(options.key);
  if (entry === undefined)
    return fail({
      code: "corrupt-central-directory",
      message: `data.pkl refers to storage "${options.key}" but the archive has no data/${options.key}; the file is damaged`,
    });
  return readZipEntry(source, entry, options);
}

/** The `zip` object of a checkpoint's JSON report (and of the fixtures' truth files). */
export const TorchZipSummary = z.object({
  entries: z.number().int(),
  prefix: z.string().optional(),
  first_entry: z.string().optional(),
  data_pkl: z.string().optional(),
  data_pkl_size: z.number().int().optional(),
  storage_records: z.number().int(),
  storage_bytes_total: z.number().int(),
  compression: z.array(z.number().int()),
  other_records: z.array(z.string()),
  version_record: z.string().optional(),
});
export type TorchZipSummary = z.infer<typeof TorchZipSummary>;

/** Summarises a layout; optional fields are left out (not `undefined`) so the value serialises as written. */
export function summarizeTorchZip(layout: TorchZipLayout, records: TorchZipRecords): TorchZipSummary {
  const storages = [...layout.storages.values()];
  return {
    entries: layout.entries.length,
    ...(layout.prefix === undefined ? {} : { prefix: layout.prefix }),
    ...(layout.entries[0] === undefined ? {} : { first_entry: layout.entries[0].name }),
    ...(layout.dataPkl === undefined
      ? {}
      : { data_pkl: layout.dataPkl.name, data_pkl_size: layout.dataPkl.uncompressedSize }),
    storage_records: storages.length,
    storage_bytes_total: storages.reduce((total, entry) => total + entry.uncompressedSize, 0),
    compression: [...new Set(layout.entries.map((entry) => entry.method))].sort((a, b) => a - b),
    other_records: layout.otherRecords.map((entry) => entry.name),
    ...(records.version === undefined ? {} : { version_record: records.version }),
  };
}
