/**
 * The three losses of the method, each averaged over the batch:
 * - L_seg = CE(localizer scores, y);
 * - L_pos = CE(classifier scores on X+, y): X+ must be decidable;
 * - L_neg = -(1/B) sum_i (1/C) sum_c log softmax(scores on X-)_ic, the
 *   cross-entropy to the uniform distribution: X- must be undecidable.
 *
 * Where the backend registers the fused kernel (webgpu) each loss is one
 * kernel, value and gradient; elsewhere the composed ops below.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { tf } from "../backend/tf.ts";
 * import { crossEntropy, uniformCrossEntropy } from "./losses.ts";
 * const logits = tf.tensor2d([[0, 0]]); // undecided between two classes
 * assert.ok(Math.abs((await crossEntropy(logits, [1]).data())[0] - Math.LN2) < 1e-6);
 * // Undecided is what L_neg asks of X-: its minimum, ln 2 for two classes.
 * assert.ok(Math.abs((await uniformCrossEntropy(logits).data())[0] - Math.LN2) < 1e-6);
 * ```
 * @module
 */
import { tf } from "../backend/tf.ts";
import { fusedEntropy, hasKernel, SOFTMAX_ENTROPY } from "../backend/fused.ts";

/**
 * Per-sample cross-entropy of logits [B,C] against integer labels.
 *
 * @param logits [B,C].
 * @param labels one class per sample.
 * @returns [B].
 * @throws {Error} when there are not B labels.
 */
export function crossEntropyPerSample(logits: tf.Tensor2D, labels: readonly number[]): tf.Tensor1D {
  if (hasKernel(SOFTMAX_ENTROPY)) return fusedEntropy(logits, labels, true) as tf.Tensor1D;
  const [b, c] = logits.shape;
  if (labels.length !== b) throw new Error(`got ${labels.length} labels for a batch of ${b}`);
  const onehot = tf.oneHot(tf.tensor1d(labels as number[], "int32"), c);
  return tf.neg(tf.sum(tf.mul(tf.logSoftmax(logits), onehot), -1)) as tf.Tensor1D;
}

/**
 * Mean cross-entropy of logits [B,C] against integer labels.
 *
 * @param logits [B,C].
 * @param labels one class per sample.
 * @returns the mean.
 */
export function crossEntropy(logits: tf.Tensor2D, labels: readonly number[]): tf.Scalar {
  if (hasKernel(SOFTMAX_ENTROPY)) return fusedEntropy(logits, labels, false) as tf.Scalar;
  return tf.mean(crossEntropyPerSample(logits, labels)) as tf.Scalar;
}

/**
 * Mean cross-entropy of logits [B,C] against the uniform distribution.
 *
 * @param logits [B,C].
 * @returns the mean.
 */
export function uniformCrossEntropy(logits: tf.Tensor2D): tf.Scalar {
  if (hasKernel(SOFTMAX_ENTROPY)) return fusedEntropy(logits, null, false) as tf.Scalar;
  return tf.neg(tf.mean(tf.logSoftmax(logits))) as tf.Scalar;
}
