import type { PlainJson } from "../formats/pickle/to-plain-json.ts";

const WHOLE = /^\$\{([A-Za-z_][\w]*(?:\.[\w]+)*)\}$/;
const EMBEDDED = /\$\{([A-Za-z_][\w]*(?:\.[\w]+)*)\}/g;
// Interpolations that point at interpolations: a cap stops self-references.
const MAX_HOPS = 16;
// `${a}` copies a subtree, and copies nest: past this many nodes the rest stays as written.
const MAX_RESOLVED_NODES = 200_000;

type Resolution = { readonly root: PlainJson; nodes: number };

function lookup(root: PlainJson, path: string): PlainJson | undefined {
  let node: PlainJson | undefined = root;
  for (const part of path.split(".")) {
    if (Array.isArray(node)) node = node[Number(part)];
    else if (typeof node === "object" && node !== null)
      node = Object.hasOwn(node, part) ? node[part] : undefined;
    else return undefined;
  }
  return node;
}

function pyText(value: PlainJson): string {
  if (value === null) return "None";
  if (typeof value === "boolean") return value ? "True" : "False";
  return typeof value === "string" ? value : JSON.stringify(value);
}

/** Undefined when the references loop (`a: ${b}`, `b: ${a}`): the caller keeps the text as written. */
function resolveString(state: Resolution, text: string, hops: number): PlainJson | undefined {
  if (hops > MAX_HOPS) return undefined;
  const whole = WHOLE.exec(text);
  if (whole) {
    const target = lookup(state.root, whole[1] ?? "");
    if (target === undefined) return text;
    return typeof target === "string"
      ? resolveString(state, target, hops + 1)
      : resolveNode(state, target, hops + 1);
  }
  let looped = false;
  const out = text.replace(EMBEDDED, (match, path: string) => {
    const target = lookup(state.root, path);
    if (target === undefined) return match;
    const resolved = typeof target === "string" ? resolveString(state, target, hops + 1) : target;
    if (resolved === undefined) looped = true;
    return resolved === undefined ? match : pyText(resolved);
  });
  return looped ? undefined : out;
}

function resolveNode(state: Resolution, node: PlainJson, hops: number): PlainJson {
  state.nodes += 1;
  if (state.nodes > MAX_RESOLVED_NODES) return node;
  if (typeof node === "string") return resolveString(state, node, hops) ?? node;
  if (Array.isArray(node)) return node.map((item) => resolveNode(state, item, hops));
  if (typeof node !== "object" || node === null) return node;
  return Object.fromEntries(Object.entries(node).map(([key, item]) => [key, resolveNode(state, item, hops)]));
}

/**
 * `OmegaConf.to_container(cfg, resolve=True)` for the common case: absolute `${a.b}` references into the same
 * config. Relative references and custom resolvers (`${oc.env:X}`) stay as written.
 */
export function resolveInterpolations(config: PlainJson): PlainJson {
  return resolveNode({ root: config, nodes: 0 }, config, 0);
}
