/**
 * An inference batch norm fused into a forward convolution (the Winograd
 * kernel's output transform, the direct kernel's epilogue): how it is given
 * and how its fields are laid out in the kernels' parameter blocks (the
 * `ConvBn` that `simd/winograd.c`'s and `simd/direct_conv.c`'s structs end
 * with, `simd/batch_norm_coef.h`).
 *
 * @example
 * ```ts ignore
 * simd.writeParams(base, PARAM_INTS, [...shape, ...batchNormFields(simd, bn, coef)]);
 * ```
 * @module
 */
import type { tf } from "../tf.ts";
import type { SimdLoops } from "./simd_loops.ts";

/**
 * y = relu?((conv - mean) scale / sqrt(variance + eps) + offset [+ residual]),
 * one value per channel, with the roundings of the separate ops
 * (`PointwiseBatchNormInfer`), so the bits are theirs.
 */
export interface ConvBatchNorm {
  mean: tf.TensorInfo;
  variance: tf.TensorInfo;
  offset?: tf.TensorInfo | null;
  scale?: tf.TensorInfo | null;
  eps: number;
  /** Added after the normalisation; y's shape. */
  residual?: tf.TensorInfo | null;
  relu: boolean;
}

/**
 * The batch norm's fields, in the structs' order: mean, variance, offset,
 * scale, eps (its float32 bits), residual, relu, and `coef`, the address of
 * the kernel's room for the per-channel coefficients; all 0 for none.
 */
export function batchNormFields(
  simd: SimdLoops,
  bn: ConvBatchNorm | undefined,
  coef: number,
): number[] {
  if (bn === undefined) return [0, 0, 0, 0, 0, 0, 0, 0];
  const at = (t: tf.TensorInfo | null | undefined) => (t == null ? 0 : simd.address(t));
  const epsBits = new Int32Array(Float32Array.of(bn.eps).buffer)[0];
  return [
    at(bn.mean),
    at(bn.variance),
    at(bn.offset),
    at(bn.scale),
    epsBits,
    at(bn.residual),
    bn.relu ? 1 : 0,
    coef,
  ];
}
