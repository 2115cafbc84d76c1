/**
 * Every score of an evaluation in one accumulator: classification error,
 * F1+ and F1- of the masks thresholded at 0.5 (mean over images), PxAP, and
 * Dice and mIoU at their best thresholds. Scores are percentages.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { LocalizationMetrics } from "./localization_metrics.ts";
 * const m = new LocalizationMetrics();
 * m.add({ scores: new Float32Array([0.9, 0.1]), gt: new Uint8Array([1, 0]), predicted: 1, label: 1 });
 * const s = m.summary();
 * assert.deepEqual([s.images, s.classError, s.f1Pos, s.f1Neg], [1, 0, 100, 100]);
 * ```
 * @module
 */
import { BestThresholdAccumulator } from "./best_threshold.ts";
import { f1PosNeg } from "./dice.ts";
import { PxapAccumulator } from "./pxap.ts";

/** One evaluated image. */
export interface EvaluatedImage {
  /** Mask scores (R+) in [0, 1] at image resolution. */
  scores: ArrayLike<number>;
  /** Ground-truth mask (0/1), or null when unknown. */
  gt: ArrayLike<number> | null;
  predicted: number;
  label: number;
}

/** The scores of a set of images, in percent. Mask scores are NaN without masks. */
export interface MetricsSummary {
  images: number;
  classError: number;
  f1Pos: number;
  f1Neg: number;
  pxap: number;
  bestDice: number;
  bestDiceThreshold: number;
  bestMiou: number;
  bestMiouThreshold: number;
}

/** Accumulates per-image results into a {@link MetricsSummary}. */
export class LocalizationMetrics {
  readonly #pxap = new PxapAccumulator();
  readonly #best = new BestThresholdAccumulator();
  readonly perImage: { f1Pos: number; f1Neg: number; correct: boolean }[] = [];
  #masked = 0;
  #wrong = 0;
  #f1Pos = 0;
  #f1Neg = 0;
  #hasPositive = false;

  /**
   * Adds one image.
   *
   * @param r the image's map, ground truth, predicted class and label.
   */
  add(r: EvaluatedImage): void {
    const correct = r.predicted === r.label;
    if (!correct) this.#wrong++;
    if (r.gt === null) {
      this.perImage.push({ f1Pos: NaN, f1Neg: NaN, correct });
      return;
    }
    const pred = new Uint8Array(r.scores.length);
    for (let i = 0; i < pred.length; i++) pred[i] = r.scores[i] >= 0.5 ? 1 : 0;
    const f = f1PosNeg(pred, r.gt);
    this.#f1Pos += f.pos;
    this.#f1Neg += f.neg;
    this.#masked++;
    for (let i = 0; i < r.gt.length && !this.#hasPositive; i++) {
      if (r.gt[i]) this.#hasPositive = true;
    }
    this.#pxap.add(r.scores, r.gt);
    this.#best.add(r.scores, r.gt);
    this.perImage.push({ f1Pos: f.pos * 100, f1Neg: f.neg * 100, correct });
  }

  /**
   * The summary so far.
   *
   * @returns the scores, in percent.
   */
  summary(): MetricsSummary {
    const images = this.perImage.length;
    const s: MetricsSummary = {
      images,
      classError: images > 0 ? (100 * this.#wrong) / images : NaN,
      f1Pos: NaN,
      f1Neg: NaN,
      pxap: NaN,
      bestDice: NaN,
      bestDiceThreshold: NaN,
      bestMiou: NaN,
      bestMiouThreshold: NaN,
    };
    if (this.#masked > 0) {
      s.f1Pos = (100 * this.#f1Pos) / this.#masked;
      s.f1Neg = (100 * this.#f1Neg) / this.#masked;
      if (this.#hasPositive) s.pxap = this.#pxap.compute();
      const best = this.#best.compute();
      s.bestDice = 100 * best.dice.value;
      s.bestDiceThreshold = best.dice.threshold;
      s.bestMiou = 100 * best.miou.value;
      s.bestMiouThreshold = best.miou.threshold;
    }
    return s;
  }
}
