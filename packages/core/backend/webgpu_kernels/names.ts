/**
 * Names of the fused kernels that only the webgpu backend registers, kept
 * apart from their WGSL so that the model's seam (`nn/fused.ts`) can ask for
 * them without loading any shader source. The fused batch norm and SGD
 * kernels share their names with the wasm ones (`wasm_kernels/`).
 *
 * @example
 * ```ts
 * import { tf } from "../tf.ts";
 * import { MASKED_PAIR } from "./names.ts";
 * const fused = tf.getKernel(MASKED_PAIR, tf.getBackend()) !== undefined;
 * ```
 * @module
 */

/** Train-mode batch norm followed by ReLU: y, mean, variance, 1/sqrt(variance + eps). */
export const BATCH_NORM_RELU_TRAIN = "PointwiseBatchNormReluTrain";
/** Its gradient: dx, dgamma, dbeta. */
export const BATCH_NORM_RELU_TRAIN_GRAD = "PointwiseBatchNormReluTrainGrad";
/** R+ from M+ (batch min/max, sigmoid) with X+ = X R+ and X- = X (1 - R+). */
export const MASKED_PAIR = "PointwiseMaskedPair";
/** Softmax cross-entropy (to labels or to the uniform distribution) and its gradient. */
export const SOFTMAX_ENTROPY = "PointwiseSoftmaxEntropy";
/** WILDCAT pooling: class-wise mean, top-k mean with dropout; class maps, scores, weights. */
export const WILDCAT_POOL = "PointwiseWildcatPool";
/** Its gradient with respect to the modality maps. */
export const WILDCAT_POOL_GRAD = "PointwiseWildcatPoolGrad";

/** Largest map (cells) the fused WILDCAT kernel holds in workgroup memory. */
export const WILDCAT_MAX_CELLS = 2048;
