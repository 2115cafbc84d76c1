/**
 * Grad-CAM (Selvaraju et al., 2017), post hoc on any classifier head: the
 * gradient of the class score with respect to the last feature map, averaged
 * over space, weighs the feature channels; the map is the ReLU of the
 * weighted sum. It is computed for each image's predicted class.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { tf } from "../backend/tf.ts";
 * import { gradCam } from "./grad_cam.ts";
 * // A linear head on two feature channels: class 1 reads channel 1 only.
 * const features = tf.tensor4d([1, 0, 0, 2], [1, 1, 2, 2]); // two cells, two channels
 * const head = (f: tf.Tensor4D) => tf.mean(tf.matMul(tf.reshape(f, [2, 2]), tf.eye(2)), 0, true) as tf.Tensor2D;
 * const map = gradCam(features, head, tf.tensor1d([1], "int32"), 2);
 * assert.deepEqual(map.shape, [1, 1, 2, 1]);
 * assert.deepEqual(Array.from(await map.data()), [0, 1]); // channel 1's value, weighted by 1/2
 * ```
 * @module
 */
import { tf } from "../backend/tf.ts";

/**
 * Grad-CAM maps [N,h,w,1] at the feature resolution, for class `classes[i]`
 * (int32 [N], e.g. the argmax of the logits, kept on the device) of image i.
 * `head` maps features [N,h,w,D] to logits [N,numClasses] and must treat
 * images independently (as any head in eval mode does).
 *
 * @param features the last feature map [N,h,w,D].
 * @param head features to logits.
 * @param classes the class of each image.
 * @param numClasses the number of classes.
 * @returns the maps [N,h,w,1], not normalised.
 */
export function gradCam(
  features: tf.Tensor4D,
  head: (f: tf.Tensor4D) => tf.Tensor2D,
  classes: tf.Tensor1D,
  numClasses: number,
): tf.Tensor4D {
  return tf.tidy(() => {
    const [n] = features.shape;
    if (classes.shape[0] !== n) {
      throw new Error(`gradCam: ${classes.shape[0]} classes for ${n} images`);
    }
    const pick = tf.oneHot(classes, numClasses);
    const grads = tf.grad((f) => tf.sum(tf.mul(head(f as tf.Tensor4D), pick)))(features);
    const weights = tf.mean(grads, [1, 2], true);
    return tf.relu(tf.sum(tf.mul(features, weights), -1, true)) as tf.Tensor4D;
  });
}
