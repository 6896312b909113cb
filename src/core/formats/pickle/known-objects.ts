import { canonicalName } from "./global-names.ts";
import { isOmegaConfObject, unwrapOmegaConf } from "./omegaconf-unwrap.ts";
import { PyDict } from "./py-dict.ts";
import { isTagged, type PyObject, type PyValue } from "./py-value.ts";

// Classes whose instances are just their attributes (`vars(obj)`).
const attributeBagClasses = new Set(["argparse.Namespace", "types.SimpleNamespace"]);

function className(object: PyObject): string | undefined {
  const cls = object.class;
  return isTagged(cls) && cls.kind === "global" ? canonicalName(cls.module, cls.name) : undefined;
}

/** Namespace-like: argparse/types namespaces and subclasses named `…Namespace` (Ultralytics `IterableSimpleNamespace`). */
export function isAttributeBag(object: PyObject): boolean {
  const name = className(object);
  return name !== undefined && (attributeBagClasses.has(name) || name.endsWith("Namespace"));
}

/**
 * The plain view of an object whose class we know: namespaces → their attribute dict, OmegaConf → plain
 * dicts/lists. Undefined for classes that stay opaque. Shared by reference: the result is a new value.
 */
export function knownObjectView(value: PyValue): PyValue | undefined {
  if (!isTagged(value) || value.kind !== "object") return undefined;
  if (isOmegaConfObject(value)) return unwrapOmegaConf(value);
  if (isAttributeBag(value)) {
    const out = new PyDict();
    for (const [key, item] of value.attributes?.entries() ?? []) out.set(key, item);
    return out;
  }
  return undefined;
}
