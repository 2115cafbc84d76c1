/**
 * Grad-CAM (Selvaraju et al., 2017), post hoc on any classifier head: the
 * gradient of the class score with respect to the last feature map, averaged
 * over space, weighs the feature channels; the map is the ReLU of the
 * weighted sum. It is computed for each image's predicted class.
 *
 * @example
 * ```ts ignore
 * const map = gradCam(features, (f) => head.apply(f).scores, [1]); // [N,h,w,1]
 * ```
 * @module
 */
import { tf } from "../runtime/tf.ts";

/**
 * Grad-CAM maps [N,h,w,1] at the feature resolution, for class `classes[i]`
 * of image i. `head` maps features [N,h,w,D] to logits [N,C] and must treat
 * images independently (as any head in eval mode does).
 */
export function gradCam(
  features: tf.Tensor4D,
  head: (f: tf.Tensor4D) => tf.Tensor2D,
  classes: readonly number[],
): tf.Tensor4D {
  return tf.tidy(() => {
    const [n] = features.shape;
    if (classes.length !== n) throw new Error(`gradCam: ${classes.length} classes for ${n} images`);
    const c = head(features).shape[1];
    const pick = tf.oneHot(tf.tensor1d(classes as number[], "int32"), c);
    const grads = tf.grad((f) => tf.sum(tf.mul(head(f as tf.Tensor4D), pick)))(features);
    const weights = tf.mean(grads, [1, 2], true);
    return tf.relu(tf.sum(tf.mul(features, weights), -1, true)) as tf.Tensor4D;
  });
}
