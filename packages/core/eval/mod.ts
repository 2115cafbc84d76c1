/**
 * Scoring models: `evaluate()` runs any `Localizer` (TensorFlow.js or ONNX)
 * on every image of a dataset, whole, as the reference evaluates, and scores
 * class and mask; `constantMaskScores()` gives the trivial all-ones and
 * all-zeros masks' scores, the floors every table shows.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { constantMaskScores } from "@pointwise/core/eval";
 * import { syntheticDataset } from "@pointwise/core/data";
 * const ones = constantMaskScores(syntheticDataset({ count: 2, size: 64, classes: 2, seed: 3 }), 1);
 * assert.equal(ones.f1Neg, 0);
 * ```
 * @module
 */
export { evaluate, type EvaluateOptions, type ImageResult } from "./evaluate.ts";
export { constantMaskScores } from "./floors.ts";
export {
  decodeHeatmap,
  type Heatmap,
  type HeatmapFiles,
  mapStem,
  scoreHeatmaps,
  type ScoreHeatmapsOptions,
} from "./score_maps.ts";
