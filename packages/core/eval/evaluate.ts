/**
 * Evaluates a localizer on a dataset: each image goes through `predict()`
 * (whole image, no crop, no erasing) and its class and mask are scored.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { syntheticDataset } from "../data/synthetic.ts";
 * import { makePrediction } from "../inference/prediction.ts";
 * import type { Localizer } from "../inference/localizer.ts";
 * import { evaluate } from "./evaluate.ts";
 * // Any Localizer: a TfjsLocalizer, an OnnxLocalizer, or this one, which marks everything.
 * const everything: Localizer = {
 *   classes: ["stripes", "dots"],
 *   method: "minmax",
 *   normalization: { mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5] },
 *   runtime: { name: "example", provider: "none", reason: "a doc example" },
 *   threshold: 0.5,
 *   predict: ({ width, height }) =>
 *     Promise.resolve(makePrediction({ width, height, mask: new Float32Array(width * height).fill(1),
 *       logits: [1, 0], classes: ["stripes", "dots"], threshold: 0.5 })),
 *   dispose: () => Promise.resolve(),
 * };
 * const dataset = syntheticDataset({ count: 4, size: 64, classes: 2, seed: 3 });
 * const { summary } = await evaluate(everything, dataset);
 * assert.equal(summary.images, 4);
 * assert.equal(summary.f1Neg, 0); // nothing is left as background
 * ```
 * @module
 */
import type { Dataset, Sample } from "../data/dataset.ts";
import type { Localizer } from "../inference/localizer.ts";
import type { Prediction } from "../inference/prediction.ts";
import {
  type ImageScores,
  LocalizationMetrics,
  type MetricsSummary,
} from "../metrics/localization_metrics.ts";

/** Per-image result of an evaluation: the prediction and its scores (NaN without a mask). */
export interface ImageResult extends Omit<ImageScores, "correct"> {
  sample: Sample;
  prediction: Prediction;
}

/** Options of {@link evaluate}. */
export interface EvaluateOptions {
  onProgress?: (done: number, total: number) => void;
  /** Called with each image's result, e.g. to write overlays. */
  onImage?: (r: ImageResult) => void | Promise<void>;
  /** Also compute MaxBoxAccV2 (slower: about a hundred labelling passes per image). */
  boxes?: boolean;
  /**
   * Where F1+, F1- and IoU cut the map [0.5, the reference's]; the
   * localizer's own threshold, which makes its binary masks, is the caller's.
   */
  threshold?: number;
}

/**
 * Scores every sample of `dataset`.
 *
 * @param localizer any model (a `TfjsLocalizer`, an `OnnxLocalizer`).
 * @param dataset the images, labels and masks.
 * @param o progress and per-image callbacks.
 * @returns the scores, and the accumulator with per-image results.
 * @throws {Error} for labels that are not classes of the model.
 */
export async function evaluate(
  localizer: Localizer,
  dataset: Dataset,
  o: EvaluateOptions = {},
): Promise<{ summary: MetricsSummary; metrics: LocalizationMetrics }> {
  if (dataset.classes.join("\n") !== localizer.classes.join("\n")) {
    const missing = dataset.classes.filter((c) => !localizer.classes.includes(c));
    if (missing.length > 0) {
      throw new Error(
        `labels ${missing.join(", ")} are not classes of the model (${
          localizer.classes.join(", ")
        })`,
      );
    }
  }
  const metrics = new LocalizationMetrics({ boxes: o.boxes, threshold: o.threshold });
  let done = 0;
  for (const sample of dataset.samples) {
    const prediction = await localizer.predict(sample.image);
    const label = localizer.classes.indexOf(dataset.classes[sample.label]);
    metrics.add({
      scores: prediction.mask,
      gt: sample.mask?.data ?? null,
      predicted: prediction.classIndex,
      label,
      width: prediction.width,
      ignore: sample.ignore?.data,
    });
    const { correct: _, ...scores } = metrics.perImage[metrics.perImage.length - 1];
    await o.onImage?.({ sample, prediction, ...scores });
    o.onProgress?.(++done, dataset.samples.length);
  }
  return { summary: metrics.summary(), metrics };
}
