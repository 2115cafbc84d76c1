/**
 * Dice and mIoU at the best threshold. For every threshold t of the PxAP grid
 * (0, 0.01, ..., 0.99) each image's map is binarised at score >= t; Dice
 * (foreground) and mIoU (mean of foreground and background IoU) are averaged
 * over images, and the best mean over t is reported with its t. Empty
 * unions count as perfect agreement (1), as in `dice.ts`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { BestThresholdAccumulator } from "./best_threshold.ts";
 * const acc = new BestThresholdAccumulator();
 * acc.add(new Float32Array([0.9, 0.2]), new Uint8Array([1, 0]));
 * const { dice } = acc.compute();
 * assert.equal(dice.value, 1); // a fraction: some threshold in (0.2, 0.9] separates them
 * assert.ok(dice.threshold > 0.2 && dice.threshold <= 0.9);
 * ```
 * @module
 */
import { binIndex, thresholdGrid } from "./pxap.ts";

/** A best score and the threshold that reaches it. */
export interface AtThreshold {
  value: number;
  threshold: number;
}

/** Sums per-threshold Dice and mIoU over images. */
export class BestThresholdAccumulator {
  readonly thresholds: number[];
  readonly #edges: number[];
  readonly #dice: Float64Array;
  readonly #miou: Float64Array;
  #images = 0;

  /**
   * @param interval the spacing of the thresholds tried.
   */
  constructor(interval = 0.01) {
    this.thresholds = thresholdGrid(interval);
    this.#edges = [...this.thresholds, 1, 2, 3];
    this.#dice = new Float64Array(this.thresholds.length);
    this.#miou = new Float64Array(this.thresholds.length);
  }

  /**
   * Adds one image's score map (in [0, 1]) and 0/1 ground truth.
   *
   * @param scores the map, in [0, 1].
   * @param gt the ground truth, 0/1.
   * @throws {Error} when their sizes differ.
   */
  add(scores: ArrayLike<number>, gt: ArrayLike<number>): void {
    if (scores.length !== gt.length) {
      throw new Error(`score map and mask sizes differ: ${scores.length} vs ${gt.length}`);
    }
    const nb = this.#edges.length - 1;
    const pos = new Float64Array(nb);
    const neg = new Float64Array(nb);
    for (let i = 0; i < scores.length; i++) {
      (gt[i] ? pos : neg)[binIndex(scores[i], this.#edges)]++;
    }
    let g = 0;
    for (const c of pos) g += c;
    const n = scores.length;
    // Suffix sums: predicted foreground at threshold t = scores in bins >= t.
    let tp = 0;
    let fp = 0;
    for (let b = nb - 1; b >= 0; b--) {
      tp += pos[b];
      fp += neg[b];
      if (b >= this.thresholds.length) continue;
      const fn = g - tp;
      const tn = n - g - fp;
      const d = 2 * tp + fp + fn;
      this.#dice[b] += d === 0 ? 1 : (2 * tp) / d;
      const uFg = tp + fp + fn;
      const uBg = tn + fp + fn;
      this.#miou[b] += ((uFg === 0 ? 1 : tp / uFg) + (uBg === 0 ? 1 : tn / uBg)) / 2;
    }
    this.#images++;
  }

  /** Best mean Dice and best mean mIoU over thresholds (fractions in [0, 1]). */
  compute(): { dice: AtThreshold; miou: AtThreshold } {
    if (this.#images === 0) throw new Error("no images were added");
    const best = (sums: Float64Array): AtThreshold => {
      let i = 0;
      for (let j = 1; j < sums.length; j++) if (sums[j] > sums[i]) i = j;
      return { value: sums[i] / this.#images, threshold: this.thresholds[i] };
    };
    return { dice: best(this.#dice), miou: best(this.#miou) };
  }
}
