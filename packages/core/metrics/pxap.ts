/**
 * PxAP as defined by wsolevaluation's MaskEvaluator: score-map pixels of all
 * images are pooled into histograms over thresholds 0, 0.01, ..., 0.99 (bins
 * [0, .01), ..., [.99, 1), [1, 2), [2, 3)); precision and recall are read at
 * every threshold from the top, and the area is sum(precision[1:] *
 * diff(recall)) over thresholds with a defined precision, times 100.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { PxapAccumulator } from "./pxap.ts";
 * const acc = new PxapAccumulator();
 * acc.add(new Float32Array([0.9, 0.2]), new Uint8Array([1, 0]));
 * assert.equal(acc.compute(), 100);
 * ```
 * @module
 */

/** Threshold grid of wsolevaluation: np.arange(0, 1, interval). */
export function thresholdGrid(interval = 0.01): number[] {
  const n = Math.ceil(1 / interval - 1e-9);
  return Array.from({ length: n }, (_, i) => i * interval);
}

/** Bin index of `v` for the right edges `edges` (numpy.histogram semantics). */
export function binIndex(v: number, edges: readonly number[]): number {
  const last = edges.length - 2;
  if (v >= edges[last]) return last; // numpy's last bin is closed.
  let lo = 0;
  let hi = last;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (edges[mid] <= v) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** Accumulates score histograms over images and computes PxAP. */
export class PxapAccumulator {
  readonly edges: number[];
  readonly #pos: Float64Array;
  readonly #neg: Float64Array;

  /**
   * @param interval the spacing of the thresholds.
   */
  constructor(interval = 0.01) {
    this.edges = [...thresholdGrid(interval), 1, 2, 3];
    this.#pos = new Float64Array(this.edges.length - 1);
    this.#neg = new Float64Array(this.edges.length - 1);
  }

  /**
   * Adds one image: a score map in [0, 1] and its 0/1 ground truth.
   *
   * @param scores the map, in [0, 1].
   * @param gt the ground truth, 0/1.
   * @throws {Error} when their sizes differ or a score is outside [0, 1].
   */
  add(scores: ArrayLike<number>, gt: ArrayLike<number>): void {
    if (scores.length !== gt.length) {
      throw new Error(`score map and mask sizes differ: ${scores.length} vs ${gt.length}`);
    }
    for (let i = 0; i < scores.length; i++) {
      const v = scores[i];
      if (!(v >= 0 && v <= 1)) throw new Error(`score ${v} is outside [0, 1]`);
      (gt[i] ? this.#pos : this.#neg)[binIndex(v, this.edges)]++;
    }
  }

  /**
   * PxAP in percent. Throws when no pixel is foreground.
   *
   * @returns PxAP, in percent.
   */
  compute(): number {
    const nb = this.#pos.length;
    let totalPos = 0;
    for (const c of this.#pos) totalPos += c;
    if (totalPos <= 0) throw new Error("PxAP needs at least one foreground pixel");
    let tp = 0;
    let fp = 0;
    let prevRecall = 0;
    let auc = 0;
    for (let j = 0; j < nb; j++) {
      tp += this.#pos[nb - 1 - j];
      fp += this.#neg[nb - 1 - j];
      const recall = tp / totalPos;
      if (j > 0 && tp + fp > 0) auc += (tp / (tp + fp)) * (recall - prevRecall);
      prevRecall = recall;
    }
    return auc * 100;
  }
}
