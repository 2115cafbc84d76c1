/**
 * The pseudo-binary mask R+ = sigmoid(w * (M~ - sigma)), where M~ is M+
 * min-max normalised over the whole batch tensor (not per image), as in the
 * reference. At inference the batch is one image, so it is per image.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { tf } from "../backend/tf.ts";
 * import { pseudoBinaryMask } from "./pseudo_binary_mask.ts";
 * const r = pseudoBinaryMask(tf.tensor4d([0, 1, 2], [1, 1, 3, 1]), 8, 0.5);
 * const [lo, mid, hi] = await r.data();
 * assert.equal(mid, 0.5); // sigmoid(8 * (0.5 - 0.5))
 * assert.ok(Math.abs(lo - 1 / (1 + Math.exp(4))) < 1e-6 && Math.abs(hi - 1 / (1 + Math.exp(-4))) < 1e-6);
 * ```
 * @module
 */
import { tf } from "../backend/tf.ts";
import { fusedBinaryMask, fusedMaskedInputs, hasKernel, MASKED_PAIR } from "../backend/fused.ts";
import { MASK_RANGE_FLOOR } from "./class_maps.ts";

/**
 * Maps a localization map to R+ (in one fused kernel where the backend
 * registers it). Deliberate difference: a constant map
 * (max == min) gives M~ = 0 instead of the reference's 0/0 = NaN.
 *
 * @param m M+, any shape.
 * @param w the sigmoid's steepness (`maskW`).
 * @param sigma its midpoint on the normalised map (`maskSigma`).
 * @returns R+, in (0, 1).
 */
export function pseudoBinaryMask<T extends tf.Tensor>(m: T, w: number, sigma: number): T {
  if (hasKernel(MASKED_PAIR)) return fusedBinaryMask(m, w, sigma);
  return tf.tidy(() => {
    const lo = tf.min(m);
    const range = tf.maximum(tf.sub(tf.max(m), lo), MASK_RANGE_FLOOR);
    const norm = tf.div(tf.sub(m, lo), range);
    return tf.sigmoid(tf.mul(tf.sub(norm, sigma), w)) as T;
  });
}

/**
 * R+ of M+ [N,H,W,1] and the classifier's two inputs X+ = X R+ and
 * X- = X (1 - R+): one fused kernel where the backend registers it
 * (webgpu), else exactly these ops.
 */
export function maskedInputs(
  m: tf.Tensor4D,
  x: tf.Tensor4D,
  w: number,
  sigma: number,
): { mask: tf.Tensor4D; pos: tf.Tensor4D; neg: tf.Tensor4D } {
  if (hasKernel(MASKED_PAIR)) return fusedMaskedInputs(m, x, w, sigma);
  const mask = pseudoBinaryMask(m, w, sigma);
  return { mask, pos: tf.mul(x, mask), neg: tf.mul(x, tf.sub(1, mask)) };
}
