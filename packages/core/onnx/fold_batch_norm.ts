/**
 * Folds an inference-mode BatchNorm into the convolution before it:
 * scale = gamma / sqrt(var + eps); W' = W * scale (per output channel);
 * b' = beta - mean * scale. Filters are in ONNX's OIHW layout.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { foldBatchNorm } from "./fold_batch_norm.ts";
 * // 2x through a batch norm of scale 3 / sqrt(4) and shift 1 - 0.5 * 3 / 2.
 * const { weight, bias } = foldBatchNorm(
 *   { shape: [1, 1, 1, 1], data: Float32Array.of(2) },
 *   { gamma: Float32Array.of(3), beta: Float32Array.of(1), mean: Float32Array.of(0.5),
 *     variance: Float32Array.of(4) },
 *   0,
 * );
 * assert.deepEqual([weight.data[0], bias[0]], [3, 0.25]);
 * ```
 * @module
 */
import type { NamedArray } from "../util/named_array.ts";

/** A BatchNorm's parameters and running statistics. */
export interface BatchNormParams {
  gamma: Float32Array;
  beta: Float32Array;
  mean: Float32Array;
  variance: Float32Array;
}

/** The folded OIHW filter and its bias. */
export function foldBatchNorm(
  weight: NamedArray,
  bn: BatchNormParams,
  eps = 1e-5,
): { weight: NamedArray; bias: Float32Array } {
  const [o] = weight.shape;
  if (bn.gamma.length !== o) {
    throw new Error(`BatchNorm has ${bn.gamma.length} channels, the filter ${o}`);
  }
  const per = weight.data.length / o;
  const w = new Float32Array(weight.data.length);
  const b = new Float32Array(o);
  for (let c = 0; c < o; c++) {
    const scale = bn.gamma[c] / Math.sqrt(bn.variance[c] + eps);
    for (let j = 0; j < per; j++) w[c * per + j] = weight.data[c * per + j] * scale;
    b[c] = bn.beta[c] - bn.mean[c] * scale;
  }
  return { weight: { shape: weight.shape, data: w }, bias: b };
}
