/**
 * WILDCAT's top-k rule on plain numbers, free of TensorFlow.js so that the
 * network (`wildcat_pooling.ts`) and whole-slide inference, which pools a
 * slide's stitched class maps without a tensor library, use the same k and
 * the same score: the mean of the k highest values of a class map.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { topK, topKMean } from "./top_k.ts";
 * assert.equal(topK(0.09, 15 * 15), 20);
 * assert.equal(topKMean(Float32Array.of(5, 1, 4, 9, 0, 2), 3), 6);
 * ```
 * @module
 */

/** Python's round(): half to even. */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * The reference's `get_k`: a fraction (kmax < 1) becomes round(kmax * n) with
 * Python rounding; kmax = 1 takes every cell (the mean of the whole map, as
 * global average pooling); a larger integer is a count, capped at n.
 * Deliberate difference: k is at least 1, where the reference would divide
 * by zero on maps with fewer than about 1/(2*kmax) cells.
 */
export function topK(kmax: number, n: number): number {
  if (!(kmax > 0)) throw new Error(`kmax must be > 0, got ${kmax}`);
  const k = kmax < 1 ? roundHalfEven(kmax * n) : kmax === 1 ? n : Math.min(Math.floor(kmax), n);
  return Math.max(1, k);
}

/**
 * The mean of the `k` highest of `values` (the WILDCAT score of one class
 * map at inference, where dropout is off), summed in float64. Ties do not
 * matter: any k highest values have the same sum.
 *
 * @param values the map's cells (left untouched).
 * @param k how many, 1 to values.length.
 */
export function topKMean(values: Float32Array, k: number): number {
  if (!(Number.isInteger(k) && k >= 1 && k <= values.length)) {
    throw new RangeError(`k must be 1 to ${values.length}, got ${k}`);
  }
  // A sorted copy: native typed-array sort is fast enough for a slide's
  // millions of cells, and simpler to trust than a selection algorithm.
  const sorted = Float32Array.from(values).sort();
  let sum = 0;
  for (let i = sorted.length - k; i < sorted.length; i++) sum += sorted[i];
  return sum / k;
}
