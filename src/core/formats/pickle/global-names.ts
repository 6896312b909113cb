// Python 2 names that protocol < 3 pickles still write (`fix_imports`), mapped to Python 3.
const py2Modules: Readonly<Record<string, string>> = {
  __builtin__: "builtins",
  copy_reg: "copyreg",
  exceptions: "builtins",
};

/** `__builtin__` → `builtins`, `copy_reg` → `copyreg`, `exceptions` → `builtins`. */
export function normaliseModule(module: string): string {
  return Object.hasOwn(py2Modules, module) ? (py2Modules[module] ?? module) : module;
}

// Module paths that moved between library versions; lookups use the older spelling.
const movedModules: ReadonlyArray<readonly [string, string]> = [
  ["numpy._core", "numpy.core"],
  ["pathlib._local", "pathlib"],
  ["torch.tensor", "torch._tensor"],
];

// A checkpoint names a few dozen globals tens of thousands of times; computing each once is measurably faster.
const canonicalCache = new Map<string, Map<string, string>>();

/** `module.name` used to look up reconstructors: normalised, with version renames folded together. */
export function canonicalName(module: string, name: string): string {
  let byName = canonicalCache.get(module);
  if (byName === undefined) {
    byName = new Map();
    if (canonicalCache.size < 1024) canonicalCache.set(module, byName);
  }
  const cached = byName.get(name);
  if (cached !== undefined) return cached;
  const computed = computeCanonicalName(module, name);
  if (byName.size < 1024) byName.set(name, computed);
  return computed;
}

function computeCanonicalName(module: string, name: string): string {
  let canonical = normaliseModule(module);
  for (const [moved, original] of movedModules) {
    if (canonical === moved || canonical.startsWith(`${moved}.`)) {
      canonical = original + canonical.slice(moved.length);
    }
  }
  return `${canonical}.${name}`;
}
