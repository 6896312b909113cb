import { PyDict } from "./py-dict.ts";
import { isTagged, type PyObject, type PyValue, sequenceItems } from "./py-value.ts";

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
 * `???` stay strings. `_parent` back-links are never followed, so the cyclic graph unwraps to a tree. A node
 * shared by several parents unwraps once and stays shared, so the work is bounded by the pickle, not the tree.
 */
export function unwrapOmegaConf(value: PyValue): PyValue {
  return unwrap(value, { depth: 0, path: new Set(), done: new Map() });
}

type UnwrapState = {
  readonly depth: number;
  readonly path: Set<object>;
  readonly done: Map<object, PyValue>;
};

function unwrap(value: PyValue, state: UnwrapState): PyValue {
  if (!isOmegaConfObject(value) || !isTagged(value) || value.kind !== "object") return value;
  const done = state.done.get(value);
  if (done !== undefined) return done;
  if (state.depth > maxDepth || state.path.has(value)) return null;
  state.path.add(value);
  try {
    const out = unwrapNode(value, { ...state, depth: state.depth + 1 });
    state.done.set(value, out);
    return out;
  } finally {
    state.path.delete(value);
  }
}

function unwrapNode(value: PyObject, inner: UnwrapState): PyValue {
  const name = omegaConfClass(value) ?? "";
  const content = attribute(value, name.endsWith("Node") ? "_val" : "_content") ?? null;
  if (name.endsWith("Node")) return unwrap(content, inner);
  if (content === null || typeof content === "string") return content;
  if (name === "ListConfig") return (sequenceItems(content) ?? []).map((item) => unwrap(item, inner));
  if (!(content instanceof PyDict)) return content;
  const out = new PyDict();
  for (const [key, node] of content.entries()) out.set(key, unwrap(node, inner));
  return out;
}
