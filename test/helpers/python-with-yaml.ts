// Compatibility with Python readers is a core promise, so tests that need Python + PyYAML fail (not skip) when
// neither the PATH python3 nor Debian's /usr/bin/python3 has it. `.ci/run` installs python3-yaml when missing.
const CANDIDATES = ["python3", "/usr/bin/python3"];

let found: string | undefined;

export function pythonWithYaml(): string {
  if (found !== undefined) return found;
  for (const candidate of CANDIDATES) {
    try {
      if (Bun.spawnSync([candidate, "-c", "import yaml"]).exitCode === 0) {
        found = candidate;
        return candidate;
      }
    } catch {
      // not installed: try the next one
    }
  }
  throw new Error("these tests need python3 with PyYAML: apt-get install python3-yaml");
}
