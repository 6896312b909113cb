import type { ByteSource } from "../../bytes/byte-source.ts";
import { INPUT_CAPS, isOverCap, tooLargeMessage } from "../../input-caps.ts";
import { toPlainData } from "../../metadata/plain-values.ts";
import { parsePythonYaml } from "../../metadata/python-yaml.ts";
import { fail, ok, type Result } from "../../result.ts";
import type { TarMember } from "./tar-members.ts";

/** `SaveRestoreConnector`'s `model_config_yaml` and `model_weights_ckpt` names. */
const NEMO_CONFIG = "model_config.yaml";
const WEIGHTS = /(^|\/)model_weights\.ckpt$|^model_weights\//;

export type NemoArchive = {
  members: { name: string; size: number }[];
  config_file: string;
  model_config: unknown;
  target: string | null;
  weights_files: string[];
  weights_bytes: number;
};

export type NemoErrorCode = "incomplete" | "corrupt" | "over-cap";
export type NemoError = { readonly code: NemoErrorCode; readonly message: string };

/**
 * A tar is a `.nemo` when `SaveRestoreConnector.save_to` put its `model_config.yaml` or `model_weights.ckpt` at
 * the root (`tar.add(dir, arcname=".")` adds them in directory order, so a cut archive may hold either first).
 */
export function isNemoArchive(members: readonly TarMember[]): boolean {
  return members.some(
    (member) => member.type === "file" && (member.name === NEMO_CONFIG || WEIGHTS.test(member.name)),
  );
}

/**
 * The facts of a NeMo `.nemo` tar from its member headers and `model_config.yaml` (read whole, under
 * `INPUT_CAPS.configFile`); the weights (`model_weights.ckpt`, per-rank copies, a sharded `model_weights/`) are
 * listed and sized, never read.
 */
export function readNemoArchive(
  source: ByteSource,
  members: readonly TarMember[],
): Result<NemoArchive, NemoError> {
  const config = members.find((member) => member.name === NEMO_CONFIG);
  if (config === undefined)
    return fail({
      code: "corrupt",
      message: `NeMo weights but no ${NEMO_CONFIG} in the archive; NeMo cannot restore it (save the model again)`,
    });
  const parsed = readConfig(source, config);
  if (!parsed.success) return parsed;
  const modelConfig = parsed.data;
  const weights = members.filter((member) => member.type === "file" && WEIGHTS.test(member.name));
  const target =
    typeof modelConfig === "object" && modelConfig !== null && "target" in modelConfig
      ? modelConfig.target
      : null;
  return ok({
    members: members.map((member) => ({ name: member.name, size: member.size })),
    config_file: NEMO_CONFIG,
    model_config: modelConfig,
    target: typeof target === "string" ? target : null,
    weights_files: weights.map((member) => member.name),
    weights_bytes: weights.reduce((sum, member) => sum + member.size, 0),
  });
}

/** `model_config.yaml` as PyYAML's safe_load reads it, as plain data; read whole under the config-file cap. */
function readConfig(source: ByteSource, config: TarMember): Result<unknown, NemoError> {
  if (isOverCap(config.size, INPUT_CAPS.configFile))
    return fail({
      code: "over-cap",
      message: tooLargeMessage({ file: NEMO_CONFIG, size: config.size, cap: INPUT_CAPS.configFile }),
    });
  let yamlText: string;
  try {
    yamlText = new TextDecoder("utf-8", { fatal: true }).decode(source.read(config.dataOffset, config.size));
  } catch {
    return fail({ code: "corrupt", message: `${NEMO_CONFIG} is not UTF-8 text; save the model again` });
  }
  const parsed = parsePythonYaml(yamlText);
  if (!parsed.success)
    return fail({
      code: "corrupt",
      message: `${NEMO_CONFIG} line ${parsed.error.line}: ${parsed.error.message}; save the model again`,
    });
  return ok(toPlainData(parsed.data));
}
