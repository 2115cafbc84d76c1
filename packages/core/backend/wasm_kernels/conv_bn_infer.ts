/**
 * `PointwiseConvBatchNormInfer` for the wasm backend: a convolution, its
 * inference batch norm, an optional residual and a ReLU, as a ResNet block
 * runs them at inference. Where the convolution goes by Winograd the batch
 * norm is applied in its output transform, which saves a pass over the
 * output (the separate pass was 16 ms of a 775x522 ResNet-18 prediction);
 * where it goes by the direct kernel (first layers, stride-2 3x3 layers on
 * large maps), to each work item's outputs while they are in cache;
 * elsewhere it runs `Conv2D` then `PointwiseBatchNormInfer`. All give the
 * bits of the separate ops.
 *
 * @example
 * ```ts ignore
 * const y = tf.engine().runKernel(CONV_BN_INFER, { x, filter, mean, variance, offset, scale },
 *   { strides: 1, pad: 1, dilations: 1, varianceEpsilon: 1e-5, relu: true });
 * ```
 * @module
 */
import { tf } from "../tf.ts";
import { BATCH_NORM_INFER } from "./batch_norm_infer.ts";
import { KernelScope } from "./kernel_scope.ts";
import { simdLoopsFor } from "./simd_loops.ts";
import { directConv, directConvFits } from "./direct_conv.ts";
import { forwardGeometry, winogradConv, winogradTile } from "./winograd.ts";
import type { KernelArgs } from "./wrap_kernel.ts";

/** Name of the fused inference convolution and batch norm (wasm only). */
export const CONV_BN_INFER = "PointwiseConvBatchNormInfer";

/** Its attributes: the convolution's (NHWC) and the batch norm's. */
export interface ConvBatchNormInferAttrs {
  strides: number | [number, number];
  pad: number | "same" | "valid";
  dilations: number | [number, number];
  varianceEpsilon: number;
  relu: boolean;
}

type Inputs = Record<string, tf.TensorInfo | null | undefined>;

/** Whether every statistic is float32 with one value per output channel. */
function perChannel(inputs: Inputs, channels: number): boolean {
  return ["mean", "variance", "offset", "scale"].every((k) => {
    const t = inputs[k];
    if (t == null) return k === "offset" || k === "scale";
    return t.dtype === "float32" && t.shape.reduce((a, b) => a * b, 1) === channels;
  });
}

function convBatchNorm(args: KernelArgs): tf.TensorInfo {
  const inputs = args.inputs as Inputs;
  const { x, filter, mean, variance, offset, scale, residual } = inputs;
  const attrs = args.attrs as unknown as ConvBatchNormInferAttrs;
  const info = tf.backend_util.computeConv2DInfo(
    x!.shape as [number, number, number, number],
    filter!.shape as [number, number, number, number],
    attrs.strides,
    attrs.dilations,
    attrs.pad,
  );
  const simd = simdLoopsFor(args.backend);
  const m = winogradTile("forward", info);
  const sameShape = residual == null ||
    residual.shape.join() === [info.batchSize, info.outHeight, info.outWidth, info.outChannels]
        .join();
  const fused = simd !== undefined && x!.dtype === "float32" && sameShape &&
    perChannel(inputs, info.outChannels);
  const bn = {
    mean: mean!,
    variance: variance!,
    offset,
    scale,
    eps: attrs.varianceEpsilon,
    residual,
    relu: attrs.relu,
  };
  if (fused && m !== undefined) {
    return winogradConv(simd, x!, filter!, forwardGeometry(info), m, false, bn);
  }
  if (fused && m === undefined && directConvFits(info)) {
    return directConv(simd, x!, filter!, info, bn);
  }
  // The separate kernels, as the model runs them where this one is absent.
  const scope = new KernelScope(args.backend as never);
  try {
    const y = scope.run("Conv2D", { x: x!, filter: filter! }, {
      strides: attrs.strides,
      pad: attrs.pad,
      dilations: attrs.dilations,
      dataFormat: "NHWC",
    } as unknown as tf.NamedAttrMap);
    const stats: tf.NamedTensorInfoMap = { x: y, mean: mean!, variance: variance! };
    if (offset != null) stats.offset = offset;
    if (scale != null) stats.scale = scale;
    if (residual != null) stats.residual = residual;
    return scope.keep(scope.run(BATCH_NORM_INFER, stats, {
      varianceEpsilon: attrs.varianceEpsilon,
      relu: attrs.relu,
    }));
  } finally {
    scope.dispose();
  }
}

/** Kernel registration of {@link CONV_BN_INFER} on wasm. */
export const convBatchNormInferConfig: tf.KernelConfig = {
  kernelName: CONV_BN_INFER,
  backendName: "wasm",
  kernelFunc: convBatchNorm as unknown as tf.KernelFunc,
};
