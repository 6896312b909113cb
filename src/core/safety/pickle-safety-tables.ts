// Exact (module, qualified name) tables for the pickle safety verdict. Keys are `module.qualname` after
// `canonicalName` (py2 `__builtin__` → `builtins`, numpy 2 `numpy._core` → `numpy.core`, `pathlib._local` → `pathlib`).
//
// Sources, compared entry by entry (formats.md §2.4–2.5):
// - torch `torch/_weights_only_unpickler.py` `_get_allowed_globals` + `_tensor_rebuild_functions`: the safe set.
// - picklescan `src/picklescan/scanner.py` `_safe_globals` / `_unsafe_globals` (module "*" = whole module).
// - fickling `fickling/fickle.py` `UNSAFE_IMPORTS` (the module list formats.md §2.5 records), `fickling/ml.py`
//   `ML_ALLOWLIST` (framework classes: framework-globals.ts) and `UnsafeImportsML`.
// - modelscan `modelscan/settings.py` `unsafe_globals`.
// Deliberate differences:
// - No prefix is trusted: "whole module" entries are used for denial only; the allow side is exact, so
//   `torch._utils._rebuild_tensor.__builtins__.get` or `omegaconf.omegaconf.os.system` never inherit a module's
//   good name (rules in pickle-safety.ts). picklescan's `_safe_globals` is exact too, but only five entries long.
// - `builtins.getattr` is denied by name, as in picklescan and modelscan, but the scan clears it when every call is
//   the Python ≥ 3.11 enum form `getattr(<allow-listed enum class>, 'NAME')` (pickle-stack-model.ts); denying it
//   outright flags every DeepSpeed optimizer file and every DCP `.metadata`. fickling allows no getattr at all.
// - `torch.storage._load_from_bytes` is dangerous (fickling's ML_ALLOWLIST allows it because fickling also scans the
//   nested pickle; ckpt does not). `torch.load`/`numpy.load`/`pandas.read_pickle` likewise load nested pickles.
// - Callables that evaluate strings or resolve names to callables are dangerous although no scanner lists them all:
//   `typing._eval_type`/`ForwardRef`/`get_type_hints`, sympy, numexpr, pandas.eval, hydra's instantiate/_locate,
//   `torch.fx.graph_module` (exec of embedded source), yaml's unsafe loaders, and framework helpers that fetch or
//   install code (transformers' dynamic modules, Ultralytics' requirement checks and downloads).
// - numpy scalars, pathlib, datetime and `types.SimpleNamespace` values are safe (plain values) where torch's
//   weights-only list would refuse them; `types` itself stays denied (fickling: code and function types).

import { storageTypes } from "../formats/pickle/torch-dtypes.ts";

const qualified = (module: string, names: readonly string[]) => names.map((name) => `${module}.${name}`);

const torchTensorKinds = [
  "Double",
  "Float",
  "Half",
  "BFloat16",
  "Long",
  "Int",
  "Short",
  "Char",
  "Byte",
  "Bool",
];

/** Pure constructors/reconstructors a checkpoint legitimately names. `torch.<dtype>` is added by shape (a dtype). */
export const safeGlobals: ReadonlySet<string> = new Set([
  // torch `_get_allowed_globals`.
  ...qualified("collections", ["OrderedDict", "Counter"]),
  ...qualified("torch", ["Size", "Tensor", "device"]),
  "torch.nn.parameter.Parameter",
  "torch.serialization._get_layout",
  "_codecs.encode",
  ...qualified("builtins", ["bytearray", "set", "complex"]),
  ...qualified("torch", Object.keys(storageTypes)),
  ...qualified(
    "torch.cuda",
    Object.keys(storageTypes).filter((kind) => kind !== "UntypedStorage"),
  ),
  ...qualified("torch.storage", ["TypedStorage", "UntypedStorage"]),
  "torch.TypedStorage",
  ...qualified(
    "torch",
    torchTensorKinds.map((kind) => `${kind}Tensor`),
  ),
  ...qualified(
    "torch.cuda",
    torchTensorKinds.map((kind) => `${kind}Tensor`),
  ),
  ...qualified("torch", [
    "per_tensor_affine",
    "per_tensor_symmetric",
    "per_channel_affine",
    "per_channel_symmetric",
    "per_channel_affine_float_qparams",
  ]),
  ...qualified("torch._utils", [
    "_rebuild_parameter",
    "_rebuild_parameter_with_state",
    "_rebuild_qtensor",
    "_rebuild_tensor",
    "_rebuild_tensor_v2",
    "_rebuild_tensor_v3",
    "_rebuild_sparse_tensor",
    "_rebuild_meta_tensor_no_storage",
    "_rebuild_wrapper_subclass",
    "_rebuild_device_tensor_from_numpy",
    "_rebuild_device_tensor_from_cpu_tensor",
  ]),
  "torch._tensor._rebuild_from_type_v2",
  // numpy (picklescan, fickling): arrays, dtypes and scalars from raw bytes.
  ...qualified("numpy", ["dtype", "ndarray"]),
  ...qualified("numpy.core.multiarray", ["_reconstruct", "scalar"]),
  // Plain stdlib values (fickling's safe builtins and ML_ALLOWLIST).
  ...qualified("collections", ["defaultdict", "deque"]),
  ...qualified("copyreg", ["_reconstructor", "__newobj__", "__newobj_ex__"]),
  "types.SimpleNamespace",
  ...qualified("pathlib", [
    "Path",
    "PosixPath",
    "WindowsPath",
    "PurePath",
    "PurePosixPath",
    "PureWindowsPath",
  ]),
  ...qualified("datetime", ["datetime", "date", "time", "timedelta", "timezone"]),
  ...qualified("builtins", ["frozenset", "dict", "list", "tuple", "int", "long", "float", "str", "unicode"]),
  ...qualified("builtins", ["bytes", "bool", "slice", "range", "xrange", "object"]),
]);

/** Whole modules (and their submodules) that are dangerous to import from a pickle. */
export const dangerousModules: readonly string[] = [
  // Processes, interpreters, code objects (picklescan, fickling, modelscan).
  ...["os", "posix", "nt", "sys", "subprocess", "_posixsubprocess", "pty", "commands", "multiprocessing"],
  ...["runpy", "code", "codeop", "marshal", "types", "importlib", "_frozen_importlib", "_imp", "imp"],
  ...["_frozen_importlib_external", "pkgutil", "zipimport", "gc", "site", "unittest", "inspect", "test"],
  ...["operator", "_operator", "functools", "cProfile", "profile", "pdb", "bdb", "timeit", "trace"],
  ...[
    "doctest",
    "_interpreters",
    "_xxsubinterpreters",
    "signal",
    "_signal",
    "threading",
    "_thread",
    "atexit",
  ],
  // Network, files, nested pickles, package installation.
  ...[
    "socket",
    "ssl",
    "httplib",
    "http",
    "urllib",
    "urllib2",
    "requests",
    "aiohttp",
    "asyncio",
    "webbrowser",
  ],
  ...[
    "smtplib",
    "imaplib",
    "ftplib",
    "poplib",
    "telnetlib",
    "nntplib",
    "ctypes",
    "_ctypes",
    "pickle",
    "_pickle",
  ],
  ...[
    "dill",
    "cloudpickle",
    "joblib",
    "shutil",
    "tempfile",
    "filecmp",
    "distutils",
    "pydoc",
    "pexpect",
    "pipes",
  ],
  ...["venv", "ensurepip", "pip", "idlelib", "lib2to3", "socketserver", "xmlrpc", "sqlite3", "_sqlite3"],
  ...["fileinput", "glob", "platform", "linecache", "difflib", "compileall", "py_compile", "mmap", "select"],
  ...[
    "selectors",
    "logging",
    "syslog",
    "tarfile",
    "zipfile",
    "shelve",
    "uuid",
    "_osx_support",
    "_aix_support",
  ],
  "_pyrepl",
  // numpy and torch internals that compile, exec or load (picklescan, fickling UnsafeImportsML).
  ...["numpy.f2py", "numpy.distutils", "numpy.testing._private.utils", "torch.hub", "torch._dynamo"],
  ...["torch._inductor", "torch.jit", "torch.compile", "torch.package", "torch.utils.bottleneck"],
  ...["torch.utils.collect_env", "torch.utils.data.datapipes.utils.decoder", "torch.fx.graph_module"],
  // Framework helpers that download, install or import remote code.
  ...["transformers.dynamic_module_utils", "ultralytics.utils.checks", "ultralytics.utils.downloads"],
  ...["ultralytics.hub", "hydra._internal.instantiate"],
];

/** Single callables that execute, evaluate strings, resolve names or load nested pickles. */
export const dangerousGlobals: ReadonlySet<string> = new Set([
  ...qualified("builtins", [
    "eval",
    "exec",
    "compile",
    "getattr",
    "apply",
    "open",
    "breakpoint",
    "__import__",
  ]),
  ...qualified("_io", ["FileIO", "open"]),
  ...qualified("io", ["FileIO", "open"]),
  "torch.load",
  "torch.serialization.load",
  "torch.storage._load_from_bytes",
  "torch.utils._config_module.ConfigModule",
  "torch.utils._config_module.ConfigModule.load_config",
  "torch.fx.experimental.symbolic_shapes.ShapeEnv.evaluate_guards_expression",
  ...qualified("numpy", ["load"]),
  "numpy.lib.npyio.load",
  ...qualified("pandas", ["read_pickle", "eval"]),
  "pandas.io.pickle.read_pickle",
  "pandas.core.computation.eval.eval",
  // String evaluation behind type annotations.
  ...qualified("typing", ["_eval_type", "ForwardRef", "get_type_hints"]),
  ...qualified("typing_extensions", ["_eval_type", "ForwardRef", "get_type_hints", "evaluate_forward_ref"]),
  ...qualified("annotationlib", ["ForwardRef", "call_evaluate_function", "get_annotations"]),
  // Other evaluators and name resolvers.
  ...qualified("sympy", ["sympify", "parse_expr"]),
  "sympy.core.sympify.sympify",
  ...qualified("sympy.parsing.sympy_parser", ["parse_expr", "eval_expr"]),
  ...qualified("numexpr", ["evaluate", "re_evaluate"]),
  "numexpr.necompiler.evaluate",
  ...qualified("hydra.utils", ["instantiate", "call", "get_method", "get_class", "get_object"]),
  "hydra._internal.utils._locate",
  ...qualified("yaml", ["load", "load_all", "unsafe_load", "unsafe_load_all"]),
]);
