/**
 * The pseudo-binary mask R+ = sigmoid(w * (M~ - sigma)), where M~ is M+
 * min-max normalised over the whole batch tensor (not per image), as in the
 * reference. At inference the batch is one image, so it is per image.
 *
 * @example
 * ```ts ignore
 * const r = pseudoBinaryMask(m, 8, 0.5); // [N,H,W,1] in [0.018, 0.982]
 * ```
 * @module
 */
import { tf } from "../backend/tf.ts";
import { fusedBinaryMask, fusedMaskedInputs, hasKernel, MASKED_PAIR } from "../backend/fused.ts";

/**
 * Maps a localization map to R+ (in one fused kernel where the backend
 * registers it). Deliberate difference: a constant map
 * (max == min) gives M~ = 0 instead of the reference's 0/0 = NaN.
 */
export function pseudoBinaryMask<T extends tf.Tensor>(m: T, w: number, sigma: number): T {
  if (hasKernel(MASKED_PAIR)) return fusedBinaryMask(m, w, sigma);
  return tf.tidy(() => {
    const lo = tf.min(m);
    const range = tf.maximum(tf.sub(tf.max(m), lo), 1e-12);
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
