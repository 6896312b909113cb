import { recognizeDeepSpeed } from "./deepspeed.ts";
import type { FrameworkInput, Recognition, Recognizer } from "./framework-input.ts";
import { recognizeLightning } from "./lightning.ts";
import { recognizePlainTorch } from "./plain-torch.ts";
import { recognizeTimm } from "./timm.ts";
import { recognizeUltralytics } from "./ultralytics.ts";

/** A recognizer and the highest confidence it ever returns (test/core/frameworks/recognize.test.ts holds it to it). */
export type RankedRecognizer = { readonly recognize: Recognizer; readonly ceiling: number };

/** Pickle-based recognizers in tie-break order (a framework before the plain-torch fallback). */
export const PICKLE_RECOGNIZERS: readonly RankedRecognizer[] = [
  { recognize: recognizeLightning, ceiling: 1 },
  { recognize: recognizeDeepSpeed, ceiling: 1 },
  { recognize: recognizeUltralytics, ceiling: 0.95 },
  { recognize: recognizeTimm, ceiling: 0.95 },
  { recognize: recognizePlainTorch, ceiling: 0.5 },
];

/**
 * Runs the recognizers and keeps the most confident; undefined when none claims the object. A later recognizer
 * wins only with a strictly higher confidence, so one whose ceiling cannot beat the best so far is not run: its
 * facts (a timm file's plain-torch fallback converts every top-level value) would be thrown away.
 */
export function recognizeCheckpoint(
  input: FrameworkInput,
  recognizers: readonly RankedRecognizer[] = PICKLE_RECOGNIZERS,
): Recognition | undefined {
  let best: Recognition | undefined;
  for (const { recognize, ceiling } of recognizers) {
    if (best !== undefined && ceiling <= best.confidence) continue;
    const result = recognize(input);
    if (result !== undefined && (best === undefined || result.confidence > best.confidence)) best = result;
  }
  return best;
}
