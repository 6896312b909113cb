import { readRegularFileText } from "./file-byte-source.ts";

function readText(path: string): string {
  const text = readRegularFileText(path);
  return text.success ? text.data : "";
}

// A line match, not a YAML parse: the locator only needs two scalar fields to pick a run.
function yamlField(text: string, key: string): string | null {
  const match = new RegExp(`^${key}:\\s*(.*)$`, "m").exec(text);
  return match?.[1] ? match[1].trim().replace(/^['"]|['"]$/g, "") : null;
}

/** `artifact_uri` (without `file://`) and `run_name` of an MLflow run's `meta.yaml`; null when absent or unreadable. */
export function mlflowMetaFields(path: string): { artifactUri: string | null; runName: string | null } {
  const text = readText(path);
  return {
    artifactUri: yamlField(text, "artifact_uri")?.replace(/^file:\/\//, "") ?? null,
    runName: yamlField(text, "run_name"),
  };
}
