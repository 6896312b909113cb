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

/** `module.name` used to look up reconstructors: normalised, with version renames folded together. */
export function canonicalName(module: string, name: string): string {
  let canonical = normaliseModule(module);
  for (const [moved, original] of movedModules) {
    if (canonical === moved || canonical.startsWith(`${moved}.`)) {
      canonical = original + canonical.slice(moved.length);
    }
  }
  return `${canonical}.${name}`;
}
