/**
 * WILDCAT class-wise pooling: the C*M modality maps become C class maps by
 * averaging the M modalities of each class. Channel c*M + m belongs to class
 * c, as in the reference's `view(N, C, M, -1)`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { tf } from "../backend/tf.ts";
 * import { classWisePooling } from "./class_wise_pooling.ts";
 * // Two classes of two modalities: channels (1, 3) average to 2, (5, 7) to 6.
 * const x = tf.tensor4d([1, 3, 5, 7], [1, 1, 1, 4]);
 * const maps = classWisePooling(x, 2, 2);
 * assert.deepEqual(Array.from(await maps.data()), [2, 6]);
 * tf.dispose([x, maps]);
 * ```
 * @module
 */
import { tf } from "../backend/tf.ts";

/** Averages groups of `modalities` consecutive channels: [N,H,W,C*M] -> [N,H,W,C]. */
export function classWisePooling(
  x: tf.Tensor4D,
  classes: number,
  modalities: number,
): tf.Tensor4D {
  const [n, h, w, cm] = x.shape;
  if (cm !== classes * modalities) {
    throw new Error(`class-wise pooling: expected ${classes * modalities} channels, got ${cm}`);
  }
  return tf.mean(tf.reshape(x, [n, h, w, classes, modalities]), -1) as tf.Tensor4D;
}
