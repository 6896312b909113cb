import { isTagged, PyDict, type PyObject, type PyValue, sequenceItems } from "./py-value.ts";

// Deeper than any real config; protects the recursion from crafted input.
const maxDepth = 200;

function omegaConfClass(value: PyValue | undefined): string | undefined {
  if (!isTagged(value) || value.kind !== "object") return undefined;
  const cls = value.class;
  if (!isTagged(cls) || cls.kind !== "global" || !cls.module.startsWith("omegaconf")) return undefined;
  return cls.name;
}

/** DictConfig, ListConfig or one of the `*Node` value nodes. */
export function isOmegaConfObject(value: PyValue | undefined): boolean {
  const name = omegaConfClass(value);
  return name !== undefined && (name === "DictConfig" || name === "ListConfig" || name.endsWith("Node"));
}

function attribute(object: PyObject, name: string): PyValue | undefined {
  return object.attributes?.get(name);
}

/**
 * OmegaConf objects → plain data, like `OmegaConf.to_container(cfg, resolve=False)`: `${…}` interpolations and
 * `???` stay strings. `_parent` back-links are never followed, so the cyclic graph unwraps to a tree.
 */
export function unwrapOmegaConf(value: PyValue): PyValue {
  return unwrap(value, 0, new Set());
}

function unwrap(value: PyValue, depth: number, path: Set<object>): PyValue {
  if (!isOmegaConfObject(value) || !isTagged(value) || value.kind !== "object") return value;
  if (depth > maxDepth || path.has(value)) return null;
  path.add(value);
  try {
    const name = omegaConfClass(value) ?? "";
    const content = attribute(value, name.endsWith("Node") ? "_val" : "_content") ?? null;
    if (name.endsWith("Node")) return unwrap(content, depth + 1, path);
    if (content === null || typeof content === "string") return content;
    if (name === "ListConfig") {
      return (sequenceItems(content) ?? []).map((item) => unwrap(item, depth + 1, path));
    }
    if (!(content instanceof PyDict)) return content;
    const out = new PyDict();
    for (const [key, node] of content.entries()) out.set(key, unwrap(node, depth + 1, path));
    return out;
  } finally {
    path.delete(value);
  }
}
