// Spawned by sidecar-store.test.ts: writes the golden sidecar to argv[2] and prints the Result as JSON.
// It runs as a separate process so the test can drop to an unprivileged user (root ignores directory modes).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { CheckpointMetadataV1 } from "../../../src/core/metadata/metadata-schema.ts";
import { parsePythonYaml } from "../../../src/core/metadata/python-yaml.ts";
import { writeSidecar } from "../../../src/io/sidecar/sidecar-store.ts";

const golden = readFileSync(
  join(import.meta.dir, "../../fixtures/sidecars/ckpt-written.metadata.yaml"),
  "utf8",
);
const parsed = parsePythonYaml(golden);
const target = Bun.argv[2];
if (!parsed.success || target === undefined) process.exit(3);
process.stdout.write(JSON.stringify(writeSidecar(target, parsed.data as CheckpointMetadataV1)));
