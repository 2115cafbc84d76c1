/**
 * Per-image min-max normalisation of localization maps to [0, 1], as CAM
 * methods (and wsolevaluation) score them. A constant map becomes all zeros:
 * it marks nothing, as a constant M+ does in the min-max mask.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { tf } from "../backend/tf.ts";
 * import { normalizeMap } from "./normalize_map.ts";
 * const m = normalizeMap(tf.tensor4d([1, 3, 5, 5], [2, 1, 2, 1])); // two images
 * assert.deepEqual(Array.from(await m.data()), [0, 1, 0, 0]); // a constant map marks nothing
 * ```
 * @module
 */
import { tf } from "../backend/tf.ts";

/**
 * Maps each image of [N,H,W,1] linearly onto [0, 1].
 *
 * @param m maps [N,H,W,1].
 * @returns the maps in [0, 1]; a constant map is all zeros.
 */
export function normalizeMap(m: tf.Tensor4D): tf.Tensor4D {
  return tf.tidy(() => {
    const lo = tf.min(m, [1, 2, 3], true);
    const range = tf.sub(tf.max(m, [1, 2, 3], true), lo);
    const safe = tf.where(tf.greater(range, 0), range, tf.onesLike(range));
    return tf.mul(tf.div(tf.sub(m, lo), safe), tf.cast(tf.greater(range, 0), "float32"));
  });
}
