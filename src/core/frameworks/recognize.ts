import { recognizeDeepSpeed } from "./deepspeed.ts";
import type { FrameworkInput, Recognition, Recognizer } from "./framework-input.ts";
import { recognizeLightning } from "./lightning.ts";
import { recognizePlainTorch } from "./plain-torch.ts";
import { recognizeTimm } from "./timm.ts";
import { recognizeUltralytics } from "./ultralytics.ts";

/** Pickle-based recognizers in tie-break order (a framework before the plain-torch fallback). */
export const PICKLE_RECOGNIZERS: readonly Recognizer[] = [
  recognizeLightning,
  recognizeDeepSpeed,
  recognizeUltralytics,
  recognizeTimm,
  recognizePlainTorch,
];

/** A recognition this sure cannot be beaten (recognizers cap at 1), so the rest need not compute their facts. */
const CERTAIN = 1;

/** Runs the recognizers and keeps the most confident; undefined when none claims the object. */
export function recognizeCheckpoint(
  input: FrameworkInput,
  recognizers: readonly Recognizer[] = PICKLE_RECOGNIZERS,
): Recognition | undefined {
  let best: Recognition | undefined;
  for (const recognizer of recognizers) {
    const result = recognizer(input);
    if (result !== undefined && (best === undefined || result.confidence > best.confidence)) best = result;
    if (best !== undefined && best.confidence >= CERTAIN) break;
  }
  return best;
}
