import { afterEach, describe, expect, setDefaultTimeout, test } from "bun:test";
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type DaemonProcess, startDaemonReady, withCatalog } from "../helpers/daemon-process.ts";
import { PROCESS_TEST_TIMEOUT_MS } from "../helpers/process-budget.ts";
import {
  bindMount,
  canMount,
  fillFilesystem,
  mountTmpfs,
  type ScratchMount,
} from "../helpers/scratch-mount.ts";
import { makeTempDir } from "../helpers/temp-dir.ts";
import { torchZipBytes } from "../helpers/torch-zip-bytes.ts";

setDefaultTimeout(PROCESS_TEST_TIMEOUT_MS);

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});

function base(prefix: string): string {
  const dir = makeTempDir(prefix);
  cleanups.push(() => dir[Symbol.dispose]());
  return dir.path;
}

function track<T extends ScratchMount | null>(mount: T): NonNullable<T> {
  if (mount === null) throw new Error("cannot mount");
  cleanups.push(() => mount[Symbol.dispose]());
  return mount as NonNullable<T>;
}

type Outage = {
  /** Where the daemon watches: the checkpoint appears there while its sidecar cannot be written. */
  readonly runs: string;
  /** Puts the checkpoint in place with no room or no write access left for its sidecar. */
  readonly breakAndAdd: () => void;
  readonly repair: () => void;
};

/** The run directory on a 1 MB tmpfs: the checkpoint is renamed into place once the rest is filled up. */
function fullDisk(dir: string): Outage {
  const runs = track(mountTmpfs(join(dir, "runs"), { sizeKb: 1024 })).path;
  const filler = join(runs, "filler.bin");
  return {
    runs,
    breakAndAdd: () => {
      writeFileSync(join(runs, "tmp-staging"), torchZipBytes({ fill: 4 }));
      fillFilesystem(filler);
      renameSync(join(runs, "tmp-staging"), join(runs, "model.pt"));
    },
    repair: () => rmSync(filler),
  };
}

/** The run directory is a bind mount made read-only; training writes through the original path. */
function readOnlyMount(dir: string): Outage {
  const source = join(dir, "source");
  mkdirSync(source);
  const mount = track(bindMount(source, join(dir, "runs")));
  return {
    runs: mount.path,
    breakAndAdd: () => {
      mount.remount("ro");
      writeFileSync(join(source, "tmp-staging"), torchZipBytes({ fill: 4 }));
      renameSync(join(source, "tmp-staging"), join(source, "model.pt"));
    },
    repair: () => mount.remount("rw"),
  };
}

describe.skipIf(!canMount())("a sidecar that could not be written is retried without a restart", () => {
  for (const [name, outage, errno] of [
    ["a full filesystem (ENOSPC)", fullDisk, "ENOSPC"],
    ["a read-only mount (EROFS)", readOnlyMount, "EROFS"],
  ] as const) {
    test(`${name}: written within seconds of the disk being fixed, long before the 5-minute reconcile`, async () => {
      const home = base("sidecar-retry");
      const { runs, breakAndAdd, repair } = outage(home);
      const environment = { home, catalog: join(home, "state", "catalog.db") };
      const daemon: DaemonProcess = await startDaemonReady(environment, [runs]);
      cleanups.push(() => daemon.process.kill("SIGKILL"));
      const checkpoint = join(runs, "model.pt");
      breakAndAdd();
      const problem = await daemon.waitForLog(
        (line) => line.msg === "sidecar problem" && line["path"] === checkpoint,
        "the failed sidecar write",
      );
      expect(String(problem["cause"])).toContain(errno);
      repair();
      const written = await daemon.waitForLog(
        (line) => line.msg === "sidecar written" && line["checkpoint"] === checkpoint,
        "the retried sidecar write",
        60_000,
      );
      const row = withCatalog(environment.catalog, (database) =>
        database
          .query<{ sidecar_state: string; sidecar_present: number }, [string]>(
            "SELECT sidecar_state, sidecar_present FROM checkpoints WHERE path = ?",
          )
          .get(checkpoint),
      );
      expect({
        sidecar: existsSync(join(runs, "model.metadata.yaml")),
        at: written["path"],
        row,
        reconciles: daemon.lines.filter((line) => line.msg === "reconciled").length,
        errors: daemon.lines.filter((line) => line.level === "error"),
      }).toEqual({
        sidecar: true,
        at: join(runs, "model.metadata.yaml"),
        row: { sidecar_state: "valid", sidecar_present: 1 },
        reconciles: 1,
        errors: [],
      });
    });
  }
});
