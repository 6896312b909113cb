// Test-only: locations of checkpoints that do not exist (`/nowhere/<directory>/e<N>.ckpt`), for code that only
// routes locations (batching, handing to workers) and never needs the files.
import { type FileLocation, locationUnder } from "../../src/io/scan/checkpoint-location.ts";

export function absentLocations(directory: string, count: number): FileLocation[] {
  return Array.from({ length: count }, (_, index) =>
    locationUnder(
      {
        path: `/nowhere/${directory}/e${index}.ckpt`,
        kind: "file" as const,
        dev: 1,
        ino: index + 1,
        size: 10,
        mtime_ms: 0,
        alias_of: null,
        sidecar_present: false,
        symlink: false,
      },
      ["/nowhere"],
    ),
  );
}
