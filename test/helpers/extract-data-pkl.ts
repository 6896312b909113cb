// Test-only: reads torch zip members with Python's stdlib zipfile (no pickle is ever loaded). The zip reader
// proper lives in src/core/formats; this keeps pickle tests independent of it.
const script = [
  "import sys, zipfile",
  "z = zipfile.ZipFile(sys.argv[1])",
  "want = sys.argv[2]",
  "names = [n for n in z.namelist() if n.count('/') >= 1 and n.split('/', 1)[1] == want]",
  "sys.stdout.buffer.write(z.read(names[0]) if names else b'')",
].join("\n");

/** The bytes of `<root>/<member>` (e.g. `data.pkl`, `data/0`); throws when missing. */
export function readZipMember(path: string, member: string): Uint8Array {
  const result = Bun.spawnSync(["python3", "-c", script, path, member], { stdout: "pipe", stderr: "pipe" });
  if (result.exitCode !== 0) throw new Error(`cannot read ${path}: ${result.stderr.toString()}`);
  if (result.stdout.length === 0) throw new Error(`${path} has no <root>/${member}`);
  return new Uint8Array(result.stdout);
}

/** The bytes of `<root>/data.pkl`. */
export function extractDataPkl(path: string): Uint8Array {
  return readZipMember(path, "data.pkl");
}

const smallMembersScript = [
  "import sys, zipfile, json",
  "z = zipfile.ZipFile(sys.argv[1])",
  "out = {i.filename.split('/', 1)[1][5:]: z.read(i).hex() for i in z.infolist()",
  "       if i.filename.count('/') == 2 and i.filename.split('/')[1] == 'data' and i.file_size <= 16}",
  "print(json.dumps(out))",
].join("\n");

/** Every `<root>/data/<key>` record of at most 16 bytes (0-d tensors), in one Python call. */
export function readSmallStorages(path: string): Map<string, Uint8Array> {
  const result = Bun.spawnSync(["python3", "-c", smallMembersScript, path], {
    stdout: "pipe",
    stderr: "pipe",
  });
  if (result.exitCode !== 0) throw new Error(`cannot read ${path}: ${result.stderr.toString()}`);
  const records = JSON.parse(result.stdout.toString()) as Record<string, string>;
  return new Map(
    Object.entries(records).map(([key, hex]) => [key, Uint8Array.from(Buffer.from(hex, "hex"))]),
  );
}
