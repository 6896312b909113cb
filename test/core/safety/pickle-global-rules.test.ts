import { describe, expect, test } from "bun:test";
import { scanPickleGlobals } from "../../../src/core/safety/pickle-global-scan.ts";
import { assessPickleSafety, classifyGlobal } from "../../../src/core/safety/pickle-safety.ts";
import { binUnicode, global, type PicklePart, pk, shortUnicode } from "../../helpers/pickle-bytes.ts";

// Each pickle below would run code under torch.load (weights_only=False); the payloads only echo a word.
const PAYLOAD = "__import__('os').system('echo pwned')";

/** `callable(*args)`: MARK, the arguments, TUPLE, REDUCE. */
const call = (callable: PicklePart, ...args: PicklePart[]): PicklePart => [callable, "(", ...args, "t", "R"];

function verdict(bytes: Uint8Array) {
  const report = assessPickleSafety(scanPickleGlobals(bytes));
  return { status: report.status, dangerous: report.dangerous, unknown: report.unknown };
}

const unsafe = (...dangerous: string[]) => ({
  status: "unsafe" as const,
  dangerous,
  unknown: [] as string[],
});

describe("globals that reach code execution are unsafe, whatever module they hide behind", () => {
  test.each([
    [
      "an attribute path from torch._utils through __builtins__ to eval (protocol 4 GLOBAL)",
      pk(
        0x80,
        4,
        call(
          call(global("torch._utils", "_rebuild_tensor.__builtins__.get"), binUnicode("eval")),
          binUnicode(PAYLOAD),
        ),
        ".",
      ),
      unsafe("torch._utils._rebuild_tensor.__builtins__.get"),
    ],
    [
      "the same attribute path through STACK_GLOBAL",
      pk(
        0x80,
        4,
        shortUnicode("torch._utils"),
        shortUnicode("_rebuild_tensor.__builtins__.get"),
        0x93,
        "(",
        shortUnicode("eval"),
        "tR(",
        shortUnicode(PAYLOAD),
        "tR.",
      ),
      unsafe("torch._utils._rebuild_tensor.__builtins__.get"),
    ],
    [
      "typing._eval_type of a ForwardRef holding code",
      pk(
        0x80,
        2,
        call(
          global("typing", "_eval_type"),
          call(global("typing", "ForwardRef"), binUnicode(PAYLOAD)),
          "}",
          "}",
        ),
        ".",
      ),
      unsafe("typing._eval_type", "typing.ForwardRef"),
    ],
    [
      "os.system reached as an attribute of omegaconf.omegaconf",
      pk(0x80, 4, call(global("omegaconf.omegaconf", "os.system"), binUnicode("echo pwned")), "."),
      unsafe("omegaconf.omegaconf.os.system"),
    ],
    [
      "os.system reached as an attribute of pytorch_lightning",
      pk(0x80, 4, call(global("pytorch_lightning", "os.system"), binUnicode("echo pwned")), "."),
      unsafe("pytorch_lightning.os.system"),
    ],
    [
      "transformers' remote-code loader",
      pk(
        0x80,
        2,
        call(
          global("transformers.dynamic_module_utils", "get_class_from_dynamic_module"),
          binUnicode("modeling_evil.Evil"),
          binUnicode("attacker/model"),
        ),
        ".",
      ),
      unsafe("transformers.dynamic_module_utils.get_class_from_dynamic_module"),
    ],
    [
      "Ultralytics' pip installer",
      pk(
        0x80,
        2,
        call(global("ultralytics.utils.checks", "check_requirements"), binUnicode("evil-package")),
        ".",
      ),
      unsafe("ultralytics.utils.checks.check_requirements"),
    ],
  ] as const)("%s", (_name, bytes, expected) => {
    expect(verdict(bytes)).toEqual(expected);
  });
});

describe("classifyGlobal: exact (module, qualified name) entries only", () => {
  test.each([
    // Exact allow-list entries.
    ["torch._utils", "_rebuild_tensor_v2", "safe"],
    ["torch._utils", "_rebuild_parameter", "safe"],
    ["torch", "FloatStorage", "safe"],
    ["torch", "BFloat16Storage", "safe"],
    ["torch.distributed._shard.sharded_tensor.metadata", "MEM_FORMAT_ENCODING", "expected"],
    ["deepspeed.runtime.zero.config", "ZeroStageEnum", "expected"],
    ["ultralytics.nn.modules.block", "C3k2", "expected"],
    ["ultralytics.utils", "IterableSimpleNamespace", "expected"],
    ["omegaconf.nodes", "AnyNode", "expected"],
    ["typing", "Any", "expected"],
    // Names that only look like entries: unknown, never safe.
    ["torch._utils", "_rebuild_anything_else", "unknown"],
    ["torch", "PwnedStorage", "unknown"],
    ["ultralytics.nn.modules.block", "SomeNewBlock", "unknown"],
    ["omegaconf", "OmegaConf", "unknown"],
    ["lightning.pytorch.core.module", "LightningModule", "unknown"],
    ["__main__", "Net", "unknown"],
    // Attribute paths: unknown at least; dunder segments or a denied target are dangerous.
    ["collections", "OrderedDict.fromkeys", "unknown"],
    ["torch", "FloatStorage.__init__", "dangerous"],
    ["torch._utils", "_rebuild_tensor.__globals__", "dangerous"],
    ["torch", "hub.load", "dangerous"],
    ["timm.models", "builtins.eval", "dangerous"],
    ["numpy", "__builtins__", "dangerous"],
    // Callables that evaluate strings or resolve names.
    ["typing", "_eval_type", "dangerous"],
    ["typing", "ForwardRef", "dangerous"],
    ["typing", "get_type_hints", "dangerous"],
    ["typing_extensions", "get_type_hints", "dangerous"],
    ["hydra.utils", "instantiate", "dangerous"],
    ["hydra._internal.utils", "_locate", "dangerous"],
    ["sympy", "sympify", "dangerous"],
    ["numexpr", "evaluate", "dangerous"],
    ["pandas", "eval", "dangerous"],
    ["torch.fx.graph_module", "reduce_graph_module", "dangerous"],
    ["torch.fx.experimental.symbolic_shapes", "ShapeEnv.evaluate_guards_expression", "dangerous"],
    ["yaml", "unsafe_load", "dangerous"],
    ["numpy", "load", "dangerous"],
  ] as const)("%s.%s is %s", (module, name, expected) => {
    expect(classifyGlobal(module, name)).toBe(expected);
  });
});
