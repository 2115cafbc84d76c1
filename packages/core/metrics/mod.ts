/**
 * Localization scores, as the reference computes them and as wsolevaluation
 * does: per-image Dice of the foreground (F1+) and of the background (F1-)
 * at a threshold, the pixel precision-recall area (PxAP), best-threshold
 * Dice and mIoU, and the classification error, accumulated over a dataset.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { f1PosNeg } from "@pointwise/core/metrics";
 * const { pos, neg } = f1PosNeg(Uint8Array.of(1, 1, 0, 0), Uint8Array.of(1, 0, 0, 0));
 * assert.equal(pos, 2 / 3);
 * assert.equal(neg, 0.8);
 * ```
 * @module
 */
export { dice, f1PosNeg } from "./dice.ts";
export { PxapAccumulator } from "./pxap.ts";
export { type AtThreshold, BestThresholdAccumulator } from "./best_threshold.ts";
export {
  type EvaluatedImage,
  type ImageScores,
  LocalizationMetrics,
  type MetricsOptions,
  type MetricsSummary,
} from "./localization_metrics.ts";
export {
  bestIouPerThreshold,
  type Box,
  type BoxAccuracy,
  BoxAccuracyAccumulator,
  boxesFromMask,
  boxIou,
  contourBoxes,
  IOU_THRESHOLDS,
} from "./box_accuracy.ts";
