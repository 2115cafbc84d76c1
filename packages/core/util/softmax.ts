/**
 * Softmax of logits, numerically stable, in float64: a prediction's class
 * probabilities and the class weights of M+ computed outside a tensor
 * library.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { softmax } from "./softmax.ts";
 * assert.deepEqual(softmax([0, 0]), [0.5, 0.5]);
 * ```
 * @module
 */

/** Softmax of logits (numerically stable). */
export function softmax(logits: ArrayLike<number>): number[] {
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) max = Math.max(max, logits[i]);
  const e = Array.from(logits, (v) => Math.exp(v - max));
  const sum = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / sum);
}
