// Test-only: reads torch zip members with Python's stdlib zipfile (no pickle is ever loaded), so the pickle tests
// do not depend on ckpt's own zip reader. One Python process serves a whole file set: a per-file spawn made the
// suite's speed hang on how fast `python3` starts (a pyenv shim, a loaded machine).

const script = `
import json, sys, zipfile
out = {}
for path in json.load(sys.stdin):
    try:
        z = zipfile.ZipFile(path)
    except Exception as error:
        out[path] = {"error": f"{type(error).__name__}: {error}"}
        continue
    members = {}
    small = {}
    for info in z.infolist():
        parts = info.filename.split("/")
        if len(parts) == 2 and parts[1] == "data.pkl":
            members["data.pkl"] = z.read(info).hex()
        elif len(parts) == 3 and parts[1] == "data" and info.file_size <= 16:
            small[parts[2]] = z.read(info).hex()
    out[path] = {"members": members, "small": small}
print(json.dumps(out))
`;

type OracleRecord =
  | { readonly error: string }
  | { readonly members: Record<string, string>; readonly small: Record<string, string> };

export type ZipMembersOracle = {
  /** The bytes of `<root>/data.pkl`; throws when the file is not a zip or has none. */
  dataPkl(path: string): Uint8Array;
  /** Every `<root>/data/<key>` record of at most 16 bytes (0-d tensors). */
  smallStorages(path: string): Map<string, Uint8Array>;
};

const fromHex = (hex: string) => Uint8Array.from(Buffer.from(hex, "hex"));

/** Reads every path's members in one `python3` run; call it once per test file, at load time. */
export function readZipMembersWithPython(paths: readonly string[]): ZipMembersOracle {
  const result = Bun.spawnSync(["python3", "-c", script], {
    stdin: Buffer.from(JSON.stringify(paths)),
    stdout: "pipe",
    stderr: "pipe",
  });
  if (result.exitCode !== 0) throw new Error(`python3 zipfile oracle failed: ${result.stderr.toString()}`);
  const records = JSON.parse(result.stdout.toString()) as Record<string, OracleRecord>;
  const recordOf = (path: string) => {
    const record = records[path];
    if (record === undefined) throw new Error(`${path} was not given to the zip oracle`);
    if ("error" in record) throw new Error(`${path} is not a readable zip: ${record.error}`);
    return record;
  };
  return {
    dataPkl(path) {
      const hex = recordOf(path).members["data.pkl"];
      if (hex === undefined) throw new Error(`${path} has no <root>/data.pkl`);
      return fromHex(hex);
    },
    smallStorages(path) {
      return new Map(Object.entries(recordOf(path).small).map(([key, hex]) => [key, fromHex(hex)]));
    },
  };
}
