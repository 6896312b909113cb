// Test-only: Megatron-LM's `model_optim_rng.pt` as its writer lays it out (megatron/training/checkpointing.py);
// no sample written by Megatron exists here (it needs CUDA).
import { binUnicode, global, type PicklePart, pk, u32 } from "./pickle-bytes.ts";
import { torchZipOfPickle } from "./synthetic-checkpoints.ts";

const int = (n: number): PicklePart => ["J", u32(n)];

/** `{iteration, args: argparse.Namespace(tensor/pipeline model-parallel sizes)}` as torch.save writes it. */
export function megatronRankFile(iteration: number, parallel: { tp: number; pp: number }): Uint8Array {
  const args: PicklePart = [
    global("argparse", "Namespace"),
    ")",
    0x81,
    "}",
    "(",
    binUnicode("tensor_model_parallel_size"),
    int(parallel.tp),
    binUnicode("pipeline_model_parallel_size"),
    int(parallel.pp),
    "u",
    "b",
  ];
  const root: PicklePart = ["}", "(", binUnicode("iteration"), int(iteration), binUnicode("args"), args, "u"];
  return torchZipOfPickle(pk(0x80, 2, root, "."));
}
