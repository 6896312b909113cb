import { INPUT_CAPS } from "../../core/input-caps.ts";
import { readText } from "./run-file-text.ts";

// A line match, not a YAML parse: the locator only needs two scalar fields to pick a run.
function yamlField(text: string, key: string): string | null {
  const match = new RegExp(`^${key}:\\s*(.*)$`, "m").exec(text);
  return match?.[1] ? match[1].trim().replace(/^['"]|['"]$/g, "") : null;
}

/** `artifact_uri` (without `file://`) and `run_name` of an MLflow run's `meta.yaml`; null when absent or unreadable. */
export function mlflowMetaFields(path: string): { artifactUri: string | null; runName: string | null } {
  const read = readText(path, INPUT_CAPS.configFile);
  const text = read.success ? read.data : "";
  return {
    artifactUri: yamlField(text, "artifact_uri")?.replace(/^file:\/\//, "") ?? null,
    runName: yamlField(text, "run_name"),
  };
}
