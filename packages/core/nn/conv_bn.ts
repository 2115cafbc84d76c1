/**
 * A convolution, its batch norm and a ReLU, with an optional residual added
 * before the ReLU: how ResNet blocks end. At inference, where the backend
 * registers the fused kernel (wasm), one kernel runs all of it and applies
 * the batch norm in a Winograd convolution's output transform; everywhere
 * else, and in training, the layers run one after the other as before. The
 * fused kernel gives the bits of the separate ops.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { tf } from "../backend/tf.ts";
 * import { Rng } from "../util/rng.ts";
 * import { BatchNorm2d } from "./batch_norm.ts";
 * import { Conv2d } from "./conv2d.ts";
 * import { convBnRelu } from "./conv_bn.ts";
 * import { ParamStore } from "./module.ts";
 * const store = new ParamStore();
 * const conv = new Conv2d(store, "conv", { inC: 4, outC: 4, k: 3 }, new Rng(0));
 * const bn = new BatchNorm2d(store, "bn", 4);
 * const y = tf.tidy(() => convBnRelu(conv, bn, tf.ones([1, 6, 6, 4]), null, { training: false }));
 * assert.ok(y.min().dataSync()[0] >= 0, "a ReLU's output");
 * tf.dispose(y);
 * store.dispose();
 * ```
 * @module
 */
import { tf } from "../backend/tf.ts";
import { gradientsRecorded, hasKernel } from "../backend/fused.ts";
import { CONV_BN_INFER } from "../backend/wasm_kernels/conv_bn_infer.ts";
import type { BatchNorm2d } from "./batch_norm.ts";
import type { Conv2d } from "./conv2d.ts";
import type { ForwardContext } from "./module.ts";

/** Whether inference may take the fused kernel (`resnet_test.ts` compares both ways). */
export const convBnFusion = { enabled: true };

/** relu(bn(conv(x)) + residual), or relu(bn(conv(x))) when `residual` is null. */
export function convBnRelu(
  conv: Conv2d,
  bn: BatchNorm2d,
  x: tf.Tensor4D,
  residual: tf.Tensor4D | null,
  ctx: ForwardContext,
): tf.Tensor4D {
  const y = fusedConvBn(conv, bn, x, residual, true, ctx);
  if (y !== undefined) return y;
  const c = conv.apply(x);
  return residual === null ? bn.applyRelu(c, ctx) : bn.applyAddRelu(c, residual, ctx);
}

/** bn(conv(x)), without a ReLU: a ResNet block's projection shortcut. */
export function convBn(
  conv: Conv2d,
  bn: BatchNorm2d,
  x: tf.Tensor4D,
  ctx: ForwardContext,
): tf.Tensor4D {
  return fusedConvBn(conv, bn, x, null, false, ctx) ?? bn.apply(conv.apply(x), ctx);
}

/** The fused kernel's result, or undefined where it may not run. */
function fusedConvBn(
  conv: Conv2d,
  bn: BatchNorm2d,
  x: tf.Tensor4D,
  residual: tf.Tensor4D | null,
  relu: boolean,
  ctx: ForwardContext,
): tf.Tensor4D | undefined {
  if (
    !convBnFusion.enabled || ctx.training || gradientsRecorded() || conv.bias !== null ||
    conv.dilation !== 1 || !hasKernel(CONV_BN_INFER)
  ) {
    return undefined;
  }
  const inputs: tf.NamedTensorMap = { x, filter: conv.weight, ...bn.inferenceInputs() };
  if (residual !== null) inputs.residual = residual;
  return tf.engine().runKernel(CONV_BN_INFER, inputs, {
    strides: conv.stride,
    pad: conv.pad,
    dilations: 1,
    varianceEpsilon: bn.eps,
    relu,
  }) as tf.Tensor4D;
}
