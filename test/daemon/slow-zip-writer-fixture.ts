// Spawned by settle tests: writes a real torch-style zip to argv[2] in argv[3] chunks, pausing argv[4] ms between
// them, the way a slow `torch.save` to a network disk looks from outside. Prints the final size first.
import { closeSync, openSync, writeSync } from "node:fs";
import { torchZipBytes } from "../helpers/torch-zip-bytes.ts";

const [path, chunkArg = "4", pauseArg = "150"] = process.argv.slice(2);
if (path === undefined) throw new Error("usage: slow-zip-writer-fixture.ts PATH [CHUNKS] [PAUSE_MS]");
const bytes = torchZipBytes({ storageBytes: 256 * 1024, fill: 3 });
process.stdout.write(`${bytes.length}\n`);
const chunks = Number(chunkArg);
const fd = openSync(path, "w");
for (let index = 0; index < chunks; index++) {
  const start = Math.floor((bytes.length * index) / chunks);
  const end = Math.floor((bytes.length * (index + 1)) / chunks);
  writeSync(fd, bytes, start, end - start);
  if (index < chunks - 1) await Bun.sleep(Number(pauseArg));
}
closeSync(fd);
process.stdout.write("closed\n");
