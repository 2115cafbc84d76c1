/**
 * WILDCAT class-wise pooling: the C*M modality maps become C class maps by
 * averaging the M modalities of each class. Channel c*M + m belongs to class
 * c, as in the reference's `view(N, C, M, -1)`.
 *
 * @example
 * ```ts ignore
 * const maps = classWisePooling(x, 2, 5); // [N,H,W,10] -> [N,H,W,2]
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
