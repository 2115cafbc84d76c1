/**
 * Per-image Dice scores as the reference reports them: F1+ = Dice of the
 * foreground, F1- = Dice of the background (of the complements).
 *
 * Deliberate difference: Dice of two empty masks is 1 (perfect agreement),
 * where the reference computes 0/0 = NaN, which would poison the mean.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { dice, f1PosNeg } from "./dice.ts";
 * assert.equal(dice(new Uint8Array([1, 1, 0]), new Uint8Array([1, 0, 0])), 2 / 3);
 * assert.deepEqual(f1PosNeg(new Uint8Array([1, 1, 0]), new Uint8Array([1, 0, 0])), {
 *   pos: 2 / 3,
 *   neg: 2 / 3,
 * });
 * ```
 * @module
 */

/**
 * 2|P and G| / (|P| + |G|) of two 0/1 masks of equal length.
 *
 * @param pred the predicted mask.
 * @param gt the ground truth.
 * @returns the Dice coefficient, in [0, 1] (1 when both are empty).
 */
export function dice(pred: ArrayLike<number>, gt: ArrayLike<number>): number {
  if (pred.length !== gt.length) {
    throw new Error(`mask sizes differ: ${pred.length} vs ${gt.length}`);
  }
  let inter = 0;
  let sp = 0;
  let sg = 0;
  for (let i = 0; i < pred.length; i++) {
    const p = pred[i] ? 1 : 0;
    const g = gt[i] ? 1 : 0;
    inter += p & g;
    sp += p;
    sg += g;
  }
  return sp + sg === 0 ? 1 : (2 * inter) / (sp + sg);
}

/**
 * F1+ (foreground Dice) and F1- (background Dice) of one image.
 *
 * @param pred the predicted mask.
 * @param gt the ground truth.
 */
export function f1PosNeg(
  pred: ArrayLike<number>,
  gt: ArrayLike<number>,
): { pos: number; neg: number } {
  const n = pred.length;
  const inv = (m: ArrayLike<number>) => {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = m[i] ? 0 : 1;
    return out;
  };
  return { pos: dice(pred, gt), neg: dice(inv(pred), inv(gt)) };
}
