/**
 * Every score of an evaluation in one accumulator: classification error,
 * F1+ and F1- of the masks thresholded at 0.5 (or the `threshold` option;
 * mean over images), PxAP, and
 * Dice and mIoU at their best thresholds; with `boxes: true`, wsolevaluation's
 * MaxBoxAccV2 too (see `box_accuracy.ts`; it costs about a hundred
 * connected-component passes per image, so it is asked for). Per image: F1+,
 * F1-, the foreground IoU at the threshold, and the image's own PxAP. Scores
 * are percentages. Pixels of an image's `ignore` region (wsolevaluation's
 * ignore regions: marked there and not foreground) count in no mask score;
 * boxes are read from the whole map, as wsolevaluation reads them.
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
import {
  type Box,
  type BoxAccuracy,
  BoxAccuracyAccumulator,
  boxesFromMask,
} from "./box_accuracy.ts";

/** One evaluated image. */
export interface EvaluatedImage {
  /** Mask scores (R+) in [0, 1] at image resolution. */
  scores: ArrayLike<number>;
  /** Ground-truth mask (0/1), or null when unknown. */
  gt: ArrayLike<number> | null;
  predicted: number;
  label: number;
  /** The map's width (rows are `scores.length / width`); needed for box accuracy. */
  width?: number;
  /** Ground-truth boxes; when absent they come from `gt` (one per 8-connected region). */
  gtBoxes?: Box[];
  /** Pixels left out of the mask scores (1), e.g. `Sample.ignore`; never foreground. */
  ignore?: ArrayLike<number>;
}

/** Per-image scores, in percent; NaN without a ground-truth mask. */
export interface ImageScores {
  f1Pos: number;
  f1Neg: number;
  /** Foreground IoU of the mask at the threshold (both empty: 100, as Dice). */
  iou: number;
  /** PxAP of this image alone; NaN when it has no foreground pixel. */
  pxap: number;
  correct: boolean;
}

/** Options of {@link LocalizationMetrics}. */
export interface MetricsOptions {
  /** Also compute MaxBoxAccV2 (every masked image must then give its `width`). */
  boxes?: boolean;
  /** Where F1+, F1- and the per-image IoU cut the map: score >= threshold [0.5]. */
  threshold?: number;
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
  /** MaxBoxAcc at IoU 30/50/70 and MaxBoxAccV2, when asked for and an image had boxes. */
  box?: BoxAccuracy;
}

/** Accumulates per-image results into a {@link MetricsSummary}. */
export class LocalizationMetrics {
  readonly #pxap = new PxapAccumulator();
  readonly #best = new BestThresholdAccumulator();
  readonly #box: BoxAccuracyAccumulator | null;
  readonly perImage: ImageScores[] = [];
  #masked = 0;
  #wrong = 0;
  #f1Pos = 0;
  #f1Neg = 0;
  #hasPositive = false;
  /** The threshold of F1+, F1- and IoU. */
  readonly threshold: number;

  /**
   * @param o whether to compute MaxBoxAccV2 too.
   */
  constructor(o: MetricsOptions = {}) {
    this.#box = o.boxes ? new BoxAccuracyAccumulator() : null;
    this.threshold = o.threshold ?? 0.5;
    if (!(this.threshold > 0 && this.threshold <= 1)) {
      throw new RangeError(`the mask threshold must be in (0, 1], got ${o.threshold}`);
    }
  }

  /**
   * Adds one image.
   *
   * @param r the image's map, ground truth, predicted class and label.
   */
  add(r: EvaluatedImage): void {
    const correct = r.predicted === r.label;
    if (!correct) this.#wrong++;
    if (r.gt === null) {
      this.perImage.push({ f1Pos: NaN, f1Neg: NaN, iou: NaN, pxap: NaN, correct });
      return;
    }
    if (r.scores.length !== r.gt.length) {
      throw new Error(`score map and mask sizes differ: ${r.scores.length} vs ${r.gt.length}`);
    }
    const { scores, gt } = r.ignore
      ? withoutIgnored(r.scores, r.gt, r.ignore)
      : { scores: r.scores, gt: r.gt };
    const pred = new Uint8Array(scores.length);
    for (let i = 0; i < pred.length; i++) pred[i] = scores[i] >= this.threshold ? 1 : 0;
    const f = f1PosNeg(pred, gt);
    this.#f1Pos += f.pos;
    this.#f1Neg += f.neg;
    this.#masked++;
    let positive = false;
    for (let i = 0; i < gt.length && !positive; i++) if (gt[i]) positive = true;
    if (positive) this.#hasPositive = true;
    this.#pxap.add(scores, gt);
    this.#best.add(scores, gt);
    const own = new PxapAccumulator();
    own.add(scores, gt);
    if (this.#box !== null) this.#addBoxes(r);
    this.perImage.push({
      f1Pos: f.pos * 100,
      f1Neg: f.neg * 100,
      iou: iou(pred, gt) * 100,
      pxap: positive ? own.compute() : NaN,
      correct,
    });
  }

  #addBoxes(r: EvaluatedImage): void {
    if (r.width === undefined || !(r.width > 0) || r.scores.length % r.width !== 0) {
      throw new Error(
        `box accuracy needs each map's width (got ${r.width} for ${r.scores.length} values)`,
      );
    }
    const height = r.scores.length / r.width;
    const boxes = r.gtBoxes ?? boxesFromMask(r.gt!, r.width, height);
    // wsolevaluation has a box for every image; one with none has nothing to localize.
    if (boxes.length > 0) this.#box!.add(r.scores, r.width, height, boxes);
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
      if (this.#box !== null && this.#hasPositive) s.box = this.#box.compute();
    }
    return s;
  }
}

/** The pixels outside the ignore region, in order. */
function withoutIgnored(
  scores: ArrayLike<number>,
  gt: ArrayLike<number>,
  ignore: ArrayLike<number>,
): { scores: Float64Array; gt: Uint8Array } {
  if (ignore.length !== gt.length) {
    throw new Error(`ignore and ground-truth mask sizes differ: ${ignore.length} vs ${gt.length}`);
  }
  let kept = 0;
  for (let i = 0; i < ignore.length; i++) if (!ignore[i] || gt[i]) kept++;
  const s = new Float64Array(kept);
  const g = new Uint8Array(kept);
  let j = 0;
  for (let i = 0; i < ignore.length; i++) {
    // Foreground is never ignored (wsolevaluation's get_mask).
    if (ignore[i] && !gt[i]) continue;
    s[j] = scores[i];
    g[j++] = gt[i] ? 1 : 0;
  }
  return { scores: s, gt: g };
}

/** Foreground IoU of two 0/1 masks; both empty gives 1, as Dice does in `dice.ts`. */
function iou(pred: ArrayLike<number>, gt: ArrayLike<number>): number {
  let inter = 0;
  let union = 0;
  for (let i = 0; i < pred.length; i++) {
    const p = pred[i] ? 1 : 0;
    const g = gt[i] ? 1 : 0;
    inter += p & g;
    union += p | g;
  }
  return union === 0 ? 1 : inter / union;
}
