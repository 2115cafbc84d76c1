/**
 * The trivial masks every results table carries as its floor: the whole
 * image (all ones) and nothing (all zeros), scored by the same metrics.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { syntheticDataset } from "../data/synthetic.ts";
 * import { constantMaskScores } from "./floors.ts";
 * const dataset = syntheticDataset({ count: 4, size: 64, classes: 2, seed: 3 });
 * const ones = constantMaskScores(dataset, 1);
 * const zeros = constantMaskScores(dataset, 0);
 * assert.equal(ones.f1Neg, 0);
 * assert.equal(zeros.f1Pos, 0);
 * assert.ok(Number.isNaN(ones.classError)); // no classifier
 * ```
 * @module
 */
import type { Dataset } from "../data/dataset.ts";
import {
  LocalizationMetrics,
  type MetricsOptions,
  type MetricsSummary,
} from "../metrics/localization_metrics.ts";

/**
 * Scores a constant mask (every pixel `value`, 0 or 1) on the samples that
 * have ground truth, with the metrics' options (threshold, boxes). There is no classifier, so the class error is NaN.
 *
 * @param dataset the images and masks.
 * @param value the mask's every pixel.
 * @returns the scores, class error NaN.
 */
export function constantMaskScores(
  dataset: Dataset,
  value: 0 | 1,
  o: MetricsOptions = {},
): MetricsSummary {
  const metrics = new LocalizationMetrics(o);
  for (const s of dataset.samples) {
    if (s.mask === null) continue;
    const scores = new Float32Array(s.mask.data.length).fill(value);
    metrics.add({
      scores,
      gt: s.mask.data,
      predicted: s.label,
      label: s.label,
      width: s.mask.width,
      ignore: s.ignore?.data,
    });
  }
  return { ...metrics.summary(), classError: NaN };
}
