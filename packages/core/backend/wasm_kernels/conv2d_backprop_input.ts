/**
 * `Conv2DBackpropInput` for the wasm backend, replacing its naive loop.
 *
 * - Stride-1 3x3 layers: by Winograd (`winograd.ts`) where it is chosen.
 * - Stride 1: the input gradient is a convolution of dy by the filter flipped
 *   in space with its in and out channels swapped, on the backend's XNNPACK
 *   Conv2D.
 * - Larger strides (and small maps): one matrix product, image columns = dy x W^T, summed back
 *   into the image by `col2im`. The stride-1 form would need dy stuffed with
 *   zeros, and stride^2 times the multiplications (measured: 82 ms against
 *   21 ms for a 3x3 stride-2 layer at batch 8, 56x56, 64 to 128 channels).
 * - Dilated, stride 1 (a `dilations` attribute, which tfjs's gradient never
 *   passes: `nn/dilated_conv2d.ts` does): the convolution above with the
 *   flipped filter dilated as the forward one. Dilation with a stride above 1
 *   is refused, as tfjs's conv2d refuses it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { initBackend } from "../backend.ts";
 * import { tf } from "../tf.ts";
 * // The input gradient of a strided convolution, on wasm (this kernel) and on cpu.
 * const dx = async () => {
 *   const w = tf.randomNormal([3, 3, 3, 4], 0, 1, "float32", 1) as tf.Tensor4D;
 *   const g = tf.grad((x: tf.Tensor) => tf.sum(tf.conv2d(x as tf.Tensor4D, w, 2, 1)));
 *   return await g(tf.ones([1, 8, 8, 3])).data();
 * };
 * await initBackend("wasm"); // registers the kernel
 * const wasm = await dx();
 * await initBackend("cpu");
 * const cpu = await dx();
 * assert.ok(wasm.every((v, i) => Math.abs(v - cpu[i]) <= 1e-5 * Math.max(1, Math.abs(cpu[i]))));
 * ```
 * @module
 */
import { tf } from "../tf.ts";
import { geometryOf } from "./col2im.ts";
import { filterRowsByOutput, flippedTransposedFilter } from "./filter_layout.ts";
import type { DilationAttr } from "./conv2d_backprop_filter.ts";
import { type KernelBackendLike, KernelScope } from "./kernel_scope.ts";
import { loopsFor } from "./training_loops.ts";
import { simdLoopsFor } from "./simd_loops.ts";
import { inputGradGeometry, winogradConv, winogradTile } from "./winograd.ts";
import { simdGemm } from "./gemm.ts";

/** Computes the input gradient of an NHWC Conv2D from its filter and output gradient. */
export function conv2dBackpropInput(
  args: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap },
): tf.TensorInfo {
  const { dy, filter } = args.inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
  const attrs = args.attrs as unknown as tf.Conv2DBackpropInputAttrs & DilationAttr;
  const dataFormat = tf.backend_util.convertConv2DDataFormat(attrs.dataFormat);
  if (dataFormat !== "channelsLast") {
    throw new Error("wasm Conv2DBackpropInput supports only NHWC data");
  }
  const info = tf.backend_util.computeConv2DInfo(
    attrs.inputShape,
    filter.shape as [number, number, number, number],
    attrs.strides,
    attrs.dilations ?? 1,
    attrs.pad,
    attrs.dimRoundingMode,
  );
  const dilated = info.dilationHeight > 1 || info.dilationWidth > 1;
  if (dilated && (info.strideHeight > 1 || info.strideWidth > 1)) {
    throw new Error("wasm Conv2DBackpropInput: dilation with a stride above 1 is not supported");
  }
  // Winograd takes undilated stride-1 3x3 layers only (winogradEligible).
  const simd = simdLoopsFor(args.backend);
  const m = simd && winogradTile("input", info);
  if (simd && m) return winogradConv(simd, dy, filter, inputGradGeometry(info), m, true);
  const scope = new KernelScope(args.backend as KernelBackendLike);
  try {
    return scope.keep(
      inputGradByColumns(info)
        ? byColumns(scope, dy, filter, info)
        : byConvolution(scope, dy, filter, info),
    );
  } finally {
    scope.dispose();
  }
}

/**
 * Whether the input gradient goes by image columns rather than by a stride-1
 * convolution: for strides above 1, and for small maps, where the filter's
 * re-layout and packing cost more than the product (7x7, 512 channels, batch
 * 8: 61 ms against 71 ms).
 */
export function inputGradByColumns(info: tf.backend_util.Conv2DInfo): boolean {
  if (info.dilationHeight > 1 || info.dilationWidth > 1) return false;
  return info.strideHeight > 1 || info.strideWidth > 1 || info.outHeight * info.outWidth <= 64;
}

function byConvolution(
  scope: KernelScope,
  dy: tf.TensorInfo,
  filter: tf.TensorInfo,
  info: tf.backend_util.Conv2DInfo,
): tf.TensorInfo {
  const { inHeight: h, inWidth: w, outHeight: ho, outWidth: wo } = info;
  // The dilated filter's extent; with dilation 1, the filter's size.
  const { effectiveFilterHeight: kh, effectiveFilterWidth: kw } = info;
  const { top, left } = info.padInfo;
  if (top > kh - 1 || left > kw - 1) {
    throw new Error("wasm Conv2DBackpropInput: padding larger than the filter is not supported");
  }
  // Output row p reads dy rows p + top - (kh - 1) .. p + top.
  const padBottom = h + top - ho;
  const padRight = w + left - wo;
  let d = dy;
  if (padBottom < 0 || padRight < 0) {
    d = scope.run("Slice", { x: d }, {
      begin: [0, 0, 0, 0],
      size: [
        info.batchSize,
        ho + Math.min(padBottom, 0),
        wo + Math.min(padRight, 0),
        info.outChannels,
      ],
    });
  }
  return scope.run("Conv2D", { x: d, filter: flippedTransposedFilter(scope, filter) }, {
    strides: [1, 1],
    pad: [[0, 0], [kh - 1 - top, Math.max(padBottom, 0)], [kw - 1 - left, Math.max(padRight, 0)], [
      0,
      0,
    ]],
    dilations: [info.dilationHeight, info.dilationWidth],
    dataFormat: "NHWC",
  });
}

function byColumns(
  scope: KernelScope,
  dy: tf.TensorInfo,
  filter: tf.TensorInfo,
  info: tf.backend_util.Conv2DInfo,
): tf.TensorInfo {
  const { batchSize: b, inHeight, inWidth, inChannels: c, outHeight, outWidth } = info;
  const { filterHeight: kh, filterWidth: kw, outChannels: o } = info;
  const rows = b * outHeight * outWidth;
  const simd = simdLoopsFor(scope.backend);
  if (simd !== undefined) {
    // cols [rows, taps] = dy [rows, o] x W^T, W read as [taps, o].
    const taps = kh * kw * c;
    const cols = scope.alloc([rows, taps]);
    simdGemm(simd, rows, taps, o, { t: dy, ld: o }, { t: filter, ld: o, trans: true }, {
      t: cols,
      ld: taps,
    });
    const dx = scope.alloc([b, inHeight, inWidth, c]);
    (scope.backend.typedArrayFromHeap(dx) as Float32Array).fill(0);
    loopsFor(scope.backend).col2im(cols, dx, geometryOf(info));
    return dx;
  }
  const a = scope.run("Reshape", { x: dy }, { shape: [1, rows, o] });
  const wm = scope.run("Reshape", { x: filterRowsByOutput(scope, filter) }, {
    shape: [1, o, kh * kw * c],
  });
  const cols = scope.run("BatchMatMul", { a, b: wm }, { transposeA: false, transposeB: false });
  const dx = scope.alloc([b, inHeight, inWidth, c]);
  (scope.backend.typedArrayFromHeap(dx) as Float32Array).fill(0);
  loopsFor(scope.backend).col2im(cols, dx, geometryOf(info));
  return dx;
}

/** Kernel registration for `Conv2DBackpropInput` on wasm. */
export const conv2dBackpropInputConfig: tf.KernelConfig = {
  kernelName: tf.Conv2DBackpropInput,
  backendName: "wasm",
  kernelFunc: conv2dBackpropInput as tf.KernelFunc,
};
