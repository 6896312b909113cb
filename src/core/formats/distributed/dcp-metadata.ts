import { fail, ok, type Result } from "../../result.ts";
import { interpretPickle } from "../pickle/pickle-interpreter.ts";
import { PyDict } from "../pickle/py-dict.ts";
import { pyStr } from "../pickle/py-str.ts";
import { globalName, isTagged, type PyValue, sequenceItems } from "../pickle/py-value.ts";
import { toPlainJson } from "../pickle/to-plain-json.ts";

// `Metadata` of torch's distributed checkpoint, as `FileSystemWriter.finish` pickles it into `.metadata`:
// torch 1.13 `torch.distributed._shard.checkpoint.metadata.Metadata`, ≥ 2.0 `torch.distributed.checkpoint.metadata`.
// Dataclasses pickle as NEWOBJ + BUILD(dict); `TensorProperties` has `__getstate__` → a tuple (dtype first).

export type DcpTensorEntry = {
  readonly fqn: string;
  readonly size: readonly number[];
  readonly dtype: string | null;
  readonly chunks: number;
};

/** Where `Metadata.storage_data` puts one item: a byte range of one `.distcp` file. */
export type DcpStorageItem = {
  readonly fqn: string;
  readonly file: string;
  readonly offset: number;
  readonly length: number;
};

export type DcpMetadata = {
  readonly type: string;
  readonly layout: string;
  readonly tensors: readonly DcpTensorEntry[];
  readonly bytesEntries: readonly string[];
  readonly storage: readonly DcpStorageItem[];
};

const LAYOUTS: Readonly<Record<string, string>> = {
  "torch.distributed._shard.checkpoint.metadata.Metadata": "torch.distributed._shard.checkpoint",
  "torch.distributed.checkpoint.metadata.Metadata": "torch.distributed.checkpoint",
};

/** An object's attribute (BUILD dict state) or undefined. */
function attribute(value: PyValue | undefined, name: string): PyValue | undefined {
  if (!isTagged(value) || (value.kind !== "object" && value.kind !== "reduce")) return undefined;
  return value.attributes?.get(name);
}

function className(value: PyValue | undefined): string | undefined {
  if (!isTagged(value)) return undefined;
  if (value.kind === "object") return globalName(value.class);
  if (value.kind === "reduce") return globalName(value.callable);
  return undefined;
}

function intList(value: PyValue | undefined): number[] | undefined {
  const plain = value === undefined ? undefined : toPlainJson(value);
  if (!Array.isArray(plain) || !plain.every((item) => typeof item === "number")) return undefined;
  return plain as number[];
}

function dtypeOf(properties: PyValue | undefined): string | null {
  if (!isTagged(properties) || properties.kind !== "object") return null;
  const dtype = sequenceItems(properties.state)?.[0] ?? attribute(properties, "dtype");
  const plain = dtype === undefined ? undefined : toPlainJson(dtype);
  return typeof plain === "string" ? plain.replace(/^torch\./, "") : null;
}

function tensorEntry(fqn: string, value: PyValue): DcpTensorEntry | undefined {
  const size = intList(attribute(value, "size"));
  if (size === undefined) return undefined;
  const chunks = sequenceItems(attribute(value, "chunks"))?.length ?? 0;
  return { fqn, size, dtype: dtypeOf(attribute(value, "properties")), chunks };
}

function storageItems(value: PyValue | undefined): DcpStorageItem[] {
  if (!(value instanceof PyDict)) return [];
  const items: DcpStorageItem[] = [];
  for (const [index, info] of value.entries()) {
    const file = attribute(info, "relative_path");
    const offset = attribute(info, "offset");
    const length = attribute(info, "length");
    if (typeof file !== "string" || typeof offset !== "number" || typeof length !== "number") continue;
    const fqn = attribute(index, "fqn");
    items.push({ fqn: typeof fqn === "string" ? fqn : "", file, offset, length });
  }
  return items;
}

/** Interprets `.metadata` (never executed) into its tensors, bytes entries and storage placement. */
export function readDcpMetadata(bytes: Uint8Array): Result<DcpMetadata, string> {
  const interpreted = interpretPickle(bytes);
  if (!interpreted.success) return fail(interpreted.error.message);
  const root = interpreted.data.value;
  const type = className(root) ?? "";
  const layout = LAYOUTS[type];
  const entries = attribute(root, "state_dict_metadata");
  if (layout === undefined || !(entries instanceof PyDict))
    return fail(`not a torch distributed checkpoint Metadata (the pickle holds ${type || "a plain value"})`);
  const tensors: DcpTensorEntry[] = [];
  const bytesEntries: string[] = [];
  for (const [key, value] of entries.entries()) {
    const fqn = pyStr(key);
    const tensor = className(value)?.endsWith(".TensorStorageMetadata") ? tensorEntry(fqn, value) : undefined;
    if (tensor !== undefined) tensors.push(tensor);
    else bytesEntries.push(fqn);
  }
  return ok({ type, layout, tensors, bytesEntries, storage: storageItems(attribute(root, "storage_data")) });
}
