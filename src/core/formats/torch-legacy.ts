import type { ByteSource } from "../bytes/byte-source.ts";
import { readI64 } from "../bytes/little-endian.ts";
import { formatBytes } from "../catalog/human-units.ts";
import { INPUT_CAPS } from "../input-caps.ts";
import { fail, ok, type Result } from "../result.ts";
import { scanFromInterpretations } from "../safety/interpreted-pickles-scan.ts";
import { legacyTorchScan } from "../safety/legacy-torch-scan.ts";
import { type GlobalScan, scanPickleGlobals } from "../safety/pickle-global-scan.ts";
import type { Completeness } from "./completeness.ts";
import type { PickleError } from "./pickle/pickle-error.ts";
import { interpretPickle, type PickleInterpretation } from "./pickle/pickle-interpreter.ts";
import { PyDict } from "./pickle/py-dict.ts";
import { pyRepr } from "./pickle/py-str.ts";
import { dictGet, isTagged, type PyValue, type StorageRef, sequenceItems } from "./pickle/py-value.ts";
import {
  cachedScalarReader,
  decodeTensorScalar,
  type TorchPickleRead,
  type TorchReadError,
} from "./torch-pickle-result.ts";

const MAGIC = 0x1950a86a20f9469cfc6cn;
const PROTOCOL_VERSION = 1001;
// The five pickles of a state dict fit in a few KB (Python's reader takes them from one 8 KB buffer); the window
// grows ×4 when they do not, so a larger first guess would only count bytes no one needed.
const FIRST_WINDOW = 8 * 1024;

export type ReadLegacyOptions = {
  /** Cap on the bytes holding the five pickles. @default `INPUT_CAPS.pickle` */
  readonly maxPickleBytes?: number;
};

type Pickles = {
  readonly main: PickleInterpretation | undefined;
  readonly mainError: PickleError | undefined;
  readonly keys: readonly string[];
  readonly storagesStart: number;
  readonly storages: ReadonlyMap<string, StorageRef>;
  /** All five interpretations, in file order, when every one succeeded (the safety scan is taken from them). */
  readonly interpreted: readonly PickleInterpretation[];
};

const legacyError = (code: TorchReadError["code"], message: string) =>
  fail<TorchReadError>({ code, message });

/**
 * Reads a torch < 1.6 file (formats.md §1.4): magic, protocol 1001, sys_info, the main pickle, the storage keys,
 * then `i64 numel + bytes` per storage, in the order of the keys. Only the pickles are read: each storage's
 * persistent id carries its root's element count and dtype, so the records' offsets and the end of the last one
 * follow from the pickles; when that end is the file's size the file is whole. Only when it is not are the
 * records walked (an 8-byte read each), to say exactly where the file is cut or damaged.
 */
export function readLegacyTorchCheckpoint(
  source: ByteSource,
  options: ReadLegacyOptions = {},
): Result<TorchPickleRead, TorchReadError> {
  const maxBytes = options.maxPickleBytes ?? INPUT_CAPS.pickle.bytes;
  const { window, pickles } = readPickles(source, maxBytes);
  // Every one of the five pickles is scanned, even when a header pickle is not what torch writes: from their
  // interpretations when all five ran cleanly (one pass), else by the static walk.
  const interpreted = pickles.success ? pickles.data.interpreted : [];
  const fromInterpretation = interpreted.length === 5 ? scanFromInterpretations(interpreted) : undefined;
  const scan = legacyTorchScan(fromInterpretation ?? scanLegacyPickles(source, { window, maxBytes }));
  if (!pickles.success) return fail({ ...pickles.error, scan });
  const { main, mainError } = pickles.data;
  const base = { format: "torch-legacy" as const, scan, zip: undefined, warnings: [] };
  if (main === undefined)
    return ok({ ...base, value: undefined, pickleError: mainError, notes: [], readScalar: () => undefined });
  const derived = derivedOffsets(pickles.data);
  const walked =
    derived?.end === source.size ? ok(derived.offsets) : walkStorages(source, { ...pickles.data, window });
  if (!walked.success) return fail({ ...walked.error, scan });
  const offsets = walked.data;
  const readScalar = cachedScalarReader((tensor) => {
    const start = offsets.get(tensor.storageKey ?? "");
    const size = tensor.elementSize;
    if (start === undefined || size === undefined) return undefined;
    const element = source.read(start + tensor.storageOffset * size, size);
    if (element.length < size) return undefined;
    return decodeTensorScalar(element, { dtype: tensor.dtype, littleEndian: true });
  });
  return ok({ ...base, value: main.value, pickleError: undefined, notes: main.notes, readScalar });
}

/** The `checkLegacyTorchPickle` hook of `checkFileCompleteness`. */
export function checkLegacyTorchCompleteness(source: ByteSource): Completeness {
  const read = readLegacyTorchCheckpoint(source);
  if (read.success && read.data.pickleError === undefined)
    return { state: "complete", reason: "legacy torch: five pickles parse and the storages end at EOF" };
  if (read.success)
    return {
      state: read.data.pickleError?.code === "truncated" ? "incomplete" : "corrupt",
      reason: read.data.pickleError?.message ?? "",
    };
  const { code, message } = read.error;
  // Over the cap says nothing about completeness: the settle step's stable size and mtime decide.
  const state =
    code === "legacy-incomplete" ? "incomplete" : code === "pickle-too-large" ? "unknown" : "corrupt";
  return { state, reason: message };
}

/** Interprets the five pickles in a window that grows ×4 until they fit (or the file ends). */
function readPickles(
  source: ByteSource,
  maxBytes: number,
): { window: Uint8Array; pickles: Result<Pickles, TorchReadError> } {
  let window = source.read(0, Math.min(source.size, FIRST_WINDOW));
  for (;;) {
    const pickles = parseWindow(window);
    const needMore = !pickles.success && pickles.error.code === "legacy-incomplete";
    if (!needMore || window.length >= source.size) return { window, pickles };
    if (window.length >= maxBytes)
      return {
        window,
        pickles: legacyError(
          "pickle-too-large",
          `its pickles run past ckpt's ${formatBytes(maxBytes)} cap for ${INPUT_CAPS.pickle.what}; they were not read`,
        ),
      };
    window = source.read(0, Math.min(source.size, window.length * 4, maxBytes));
  }
}

/**
 * The static scan of the five pickles. It starts from the window interpretation used and grows it the same way
 * when a header failure stopped interpretation before the scan saw all five.
 */
function scanLegacyPickles(source: ByteSource, read: { window: Uint8Array; maxBytes: number }): GlobalScan {
  let window = read.window;
  for (;;) {
    const scan = scanPickleGlobals(window, { maxPickles: 5 });
    const cut =
      scan.error?.code === "truncated" && window.length < source.size && window.length < read.maxBytes;
    if (!cut) return scan;
    window = source.read(0, Math.min(source.size, window.length * 4, read.maxBytes));
  }
}

function parseWindow(bytes: Uint8Array): Result<Pickles, TorchReadError> {
  const header = headerPickles(bytes);
  if (!header.success) return header;
  const storages = new Map<string, StorageRef>();
  const onStorage = (storage: StorageRef) => void storages.set(storage.key, storage);
  const main = interpretPickle(bytes, { offset: header.data.endOffset, onStorage });
  if (!main.success) {
    if (main.error.code === "truncated") return pickleFailure(main.error);
    const empty = { keys: [], storagesStart: 0, storages, interpreted: [] };
    return ok({ ...empty, main: undefined, mainError: main.error });
  }
  const keys = interpretPickle(bytes, { offset: main.data.endOffset });
  if (!keys.success) return pickleFailure(keys.error, "storage-keys");
  const keyList = (sequenceItems(keys.data.value) ?? []).filter((key) => typeof key === "string");
  return ok({
    main: main.data,
    mainError: undefined,
    keys: keyList,
    storagesStart: keys.data.endOffset,
    storages,
    interpreted: [...header.data.pickles, main.data, keys.data],
  });
}

function pickleFailure(error: PickleError, what = "main"): Result<never, TorchReadError> {
  const code = error.code === "truncated" ? "legacy-incomplete" : "legacy-corrupt";
  return legacyError(code, `legacy torch ${what} pickle: ${error.message}`);
}

type HeaderPickles = { readonly pickles: readonly PickleInterpretation[]; readonly endOffset: number };

/** Magic, protocol version and sys_info; returns them and where the main pickle starts. */
function headerPickles(bytes: Uint8Array): Result<HeaderPickles, TorchReadError> {
  const magic = interpretPickle(bytes);
  if (!magic.success) return pickleFailure(magic.error, "magic-number");
  if (magic.data.value !== MAGIC)
    return legacyError("legacy-corrupt", "the first pickle is not torch's magic number; not a torch file");
  const protocol = interpretPickle(bytes, { offset: magic.data.endOffset });
  if (!protocol.success) return pickleFailure(protocol.error, "protocol-version");
  if (protocol.data.value !== PROTOCOL_VERSION)
    return legacyError(
      "legacy-corrupt",
      `the protocol-version pickle (2 of 5) holds ${describeHeaderValue(protocol.data.value)} where torch writes ${PROTOCOL_VERSION}; the file is damaged or was not written by torch.save`,
    );
  const sysInfo = interpretPickle(bytes, { offset: protocol.data.endOffset });
  if (!sysInfo.success) return pickleFailure(sysInfo.error, "sys_info");
  if (dictGet(sysInfo.data.value, "little_endian") === false)
    return legacyError(
      "legacy-corrupt",
      "a big-endian legacy torch file; load and re-save it with torch ≥ 1.6",
    );
  return ok({ pickles: [magic.data, protocol.data, sysInfo.data], endOffset: sysInfo.data.endOffset });
}

/** What a header pickle holds, for a message: `1002`, `'text'`, `a dict`, `a call to posix.system`. */
function describeHeaderValue(value: PyValue): string {
  if (typeof value === "string") return pyRepr(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (value === null || typeof value !== "object") return pyRepr(value);
  if (value instanceof PyDict) return "a dict";
  if (Array.isArray(value)) return "a list";
  if (
    isTagged(value) &&
    value.kind === "reduce" &&
    isTagged(value.callable) &&
    value.callable.kind === "global"
  )
    return `a call to ${value.callable.rawModule}.${value.callable.rawName}`;
  return isTagged(value) ? `a ${value.kind}` : "a value";
}

/**
 * Each storage's data offset and where the last record ends, from the pickles alone (torch writes each root
 * storage once, `i64 numel` then `numel × element size` bytes, in the order of the keys; a view's persistent id
 * names its root's numel); undefined when a storage's byte count is not known.
 */
function derivedOffsets(pickles: Pickles): { offsets: Map<string, number>; end: number } | undefined {
  const offsets = new Map<string, number>();
  let at = pickles.storagesStart;
  for (const key of pickles.keys) {
    const byteLength = pickles.storages.get(key)?.byteLength;
    if (byteLength === undefined || offsets.has(key)) return undefined;
    offsets.set(key, at + 8);
    at += 8 + byteLength;
  }
  return { offsets, end: at };
}

/** Walks `i64 numel + numel × element size` per key; the data offsets of each storage, or why the file is not whole. */
function walkStorages(
  source: ByteSource,
  pickles: Pickles & { readonly window: Uint8Array },
): Result<Map<string, number>, TorchReadError> {
  const { window } = pickles;
  const offsets = new Map<string, number>();
  let at = pickles.storagesStart;
  for (const key of pickles.keys) {
    const storage = pickles.storages.get(key);
    const size = storage?.elementSize;
    if (size === undefined)
      return legacyError("legacy-corrupt", `storage "${key}" has no known element type; the file is damaged`);
    // A small file's storages sit inside the window the pickles were read with: no second read for their sizes.
    const count = at + 8 <= window.length ? window.subarray(at, at + 8) : source.read(at, 8);
    if (count.length < 8)
      return legacyError(
        "legacy-incomplete",
        `storage "${key}" is cut short; the file is truncated or still being written`,
      );
    const numel = Number(readI64(count, 0));
    if (numel < 0)
      return legacyError("legacy-corrupt", `storage "${key}" has a negative size; the file is damaged`);
    offsets.set(key, at + 8);
    at += 8 + numel * size;
  }
  if (at > source.size)
    return legacyError(
      "legacy-incomplete",
      `storages need ${at} bytes but the file has ${source.size}; it is truncated or still being written`,
    );
  if (at < source.size)
    return legacyError(
      "legacy-corrupt",
      `${source.size - at} bytes after the last storage; the file is damaged`,
    );
  return ok(offsets);
}
