// ckpt's reader against torch.load on a real 2 GB checkpoint written by torch.save, measured in the same run.
//   bun bench/torch-load-bench.ts [--gb 2] [--repeat 5] [--dir /var/tmp]
// Needs a Python with torch (Debian: apt-get install python3-torch); it tries python3, then /usr/bin/python3.
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { readCheckpointReport } from "../src/io/checkpoint/read-checkpoint.ts";

const { values } = parseArgs({
  args: Bun.argv.slice(2),
  options: {
    gb: { type: "string", default: "2" },
    repeat: { type: "string", default: "5" },
    dir: { type: "string", default: "/var/tmp" },
  },
});
const repeat = Number(values.repeat);
const python = ["python3", "/usr/bin/python3"].find(
  (candidate) => Bun.spawnSync([candidate, "-c", "import torch"], { stderr: "ignore" }).exitCode === 0,
);
if (python === undefined) {
  console.log("torch.load: not measured — no python3 with torch here (apt-get install python3-torch)");
  process.exit(0);
}
const work = mkdtempSync(join(values.dir, "ckpt-torch-load-"));
const path = join(work, "epoch=9-step=1000.ckpt");

// A Lightning-shaped checkpoint: one big float32 tensor plus the small keys ckpt reports.
const save = `
import torch, sys
n = int(float(sys.argv[2]) * 1e9) // 4
torch.save({"epoch": 9, "global_step": 1000, "pytorch-lightning_version": "2.2.5",
            "state_dict": {"model.w": torch.zeros(n), "model.b": torch.zeros(16)},
            "callbacks": {"ModelCheckpoint{'monitor': 'val/loss', 'mode': 'min'}":
                          {"monitor": "val/loss", "best_model_score": torch.tensor(0.25)}}}, sys.argv[1])
`;
const load = `
import torch, sys, time, statistics
times = []
for _ in range(int(sys.argv[2])):
    t = time.perf_counter(); torch.load(sys.argv[1], map_location="cpu"); times.append(time.perf_counter() - t)
print(statistics.median(times))
`;

try {
  const saved = Bun.spawnSync([python, "-c", save, path, values.gb], { stderr: "pipe" });
  if (saved.exitCode !== 0) throw new Error(saved.stderr.toString());
  const size = statSync(path).size;
  const torchSeconds = Number(
    Bun.spawnSync([python, "-c", load, path, String(repeat)], { stderr: "pipe" })
      .stdout.toString()
      .trim(),
  );
  readCheckpointReport(path); // warm the JIT and the page cache of the few KB it reads
  const times: number[] = [];
  let bytesRead = 0;
  for (let i = 0; i < repeat * 4; i++) {
    const started = performance.now();
    const report = readCheckpointReport(path);
    times.push(performance.now() - started);
    bytesRead = report.bytes_read;
  }
  times.sort((a, b) => a - b);
  const ckptMs = times[Math.floor(times.length / 2)] ?? Number.NaN;
  const main = resolve(import.meta.dir, "../src/main.ts");
  const wholeStart = performance.now();
  const inspect = Bun.spawnSync([process.execPath, main, "inspect", path, "--json"], { stdout: "pipe" });
  const wholeMs = performance.now() - wholeStart;
  if (inspect.exitCode !== 0) throw new Error("ckpt inspect failed");
  console.log(`checkpoint: ${size.toLocaleString("en")} bytes written by torch.save (${python})`);
  console.log(`torch.load (median of ${repeat}, page cache warm): ${(torchSeconds * 1000).toFixed(1)} ms`);
  console.log(
    `ckpt reader in-process (median of ${repeat * 4}): ${ckptMs.toFixed(3)} ms, ${bytesRead} bytes read`,
  );
  console.log(`ckpt inspect --json, whole process from source: ${wholeMs.toFixed(1)} ms`);
  console.log(
    `ratio torch.load / ckpt: ${Math.round((torchSeconds * 1000) / ckptMs).toLocaleString("en")}× in-process, ${Math.round((torchSeconds * 1000) / wholeMs).toLocaleString("en")}× whole process`,
  );
} finally {
  rmSync(work, { recursive: true, force: true });
}
