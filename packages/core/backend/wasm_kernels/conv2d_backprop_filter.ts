/**
 * `Conv2DBackpropFilter` for the wasm backend, which lacks it. The filter
 * gradient dW[i,j,c,o] = sum_{b,y,x} xpad[b, y*s+i, x*s+j, c] * dy[b,y,x,o]
 * is computed by Winograd for stride-1 3x3 layers where `winogradTile`
 * chooses it (`winograd.ts`), by the direct kernel of `direct_filter_grad.ts`
 * where the WASM-SIMD module is loaded and the output channels come by 8,
 * otherwise one of two ways, both on the backend's XNNPACK:
 *
 * - as one matrix product, transposed image columns x dy (`im2col.ts`);
 * - as a convolution: with the batch and channel axes of x swapped, dy (batch
 *   and channel swapped) acts as the filter, dilated by the stride, with the
 *   forward pass's dilation as its stride. Used where dy has few channels,
 *   and for dilated convolutions (a `dilations` attribute, which tfjs's
 *   gradient never passes: `nn/dilated_conv2d.ts` does), whose taps the
 *   image columns do not step over.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { initBackend } from "../backend.ts";
 * import { tf } from "../tf.ts";
 * // The filter gradient of a strided convolution, on wasm (this kernel) and on cpu.
 * const dw = async () => {
 *   const x = tf.randomNormal([1, 8, 8, 3], 0, 1, "float32", 1) as tf.Tensor4D;
 *   const g = tf.grad((w: tf.Tensor) => tf.sum(tf.conv2d(x, w as tf.Tensor4D, 2, 1)));
 *   return await g(tf.ones([3, 3, 3, 4])).data();
 * };
 * await initBackend("wasm"); // registers the kernel
 * const wasm = await dw();
 * await initBackend("cpu");
 * const cpu = await dw();
 * assert.ok(wasm.every((v, i) => Math.abs(v - cpu[i]) <= 1e-5 * Math.max(1, Math.abs(cpu[i]))));
 * ```
 * @module
 */
import { tf } from "../tf.ts";
import { geometryOf } from "./col2im.ts";
import { type KernelBackendLike, KernelScope } from "./kernel_scope.ts";
import { simdLoopsFor } from "./simd_loops.ts";
import { loopsFor } from "./training_loops.ts";
import { winogradTile } from "./winograd.ts";
import { winogradFilterGrad } from "./winograd_filter_grad.ts";
import { simdGemm } from "./gemm.ts";
import { directFilterGrad, directFilterGradFits } from "./direct_filter_grad.ts";

/** The forward pass's dilation, which tfjs's gradient attributes do not carry. */
export interface DilationAttr {
  dilations?: number | [number, number];
}

/** Computes the filter gradient of an NHWC Conv2D from its input and output gradient. */
export function conv2dBackpropFilter(
  args: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap },
): tf.TensorInfo {
  const { x, dy } = args.inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
  const attrs = args.attrs as unknown as tf.Conv2DBackpropFilterAttrs & DilationAttr;
  const dataFormat = tf.backend_util.convertConv2DDataFormat(attrs.dataFormat);
  if (dataFormat !== "channelsLast") {
    throw new Error("wasm Conv2DBackpropFilter supports only NHWC data");
  }
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    attrs.filterShape,
    attrs.strides,
    attrs.dilations ?? 1,
    attrs.pad,
    attrs.dimRoundingMode,
  );
  const simd = simdLoopsFor(args.backend);
  const m = simd && winogradTile("filter", info);
  if (simd && m) return winogradFilterGrad(simd, x, dy, info, m);
  const scope = new KernelScope(args.backend as KernelBackendLike);
  try {
    if (simd && directFilterGradFits(info)) {
      return scope.keep(directFilterGrad(simd, scope, x, dy, info));
    }
    if (filterGradByColumns(info, simd !== undefined)) {
      return scope.keep(byColumns(scope, x, dy, info));
    }
    return scope.keep(byConvolution(scope, x, dy, info));
  } finally {
    scope.dispose();
  }
}

/**
 * The filter gradient as a convolution over (i, j) of the padded input, its
 * channels as the batch, with dy as the filter.
 */
function byConvolution(
  scope: KernelScope,
  x: tf.TensorInfo,
  dy: tf.TensorInfo,
  info: tf.backend_util.Conv2DInfo,
): tf.TensorInfo {
  const [b, h, w, c] = x.shape;
  const { strideHeight: sh, strideWidth: sw, dilationHeight: dh, dilationWidth: dw } = info;
  // The forward pass reads exactly this many padded rows and columns.
  const needH = (info.outHeight - 1) * sh + info.effectiveFilterHeight;
  const needW = (info.outWidth - 1) * sw + info.effectiveFilterWidth;
  const { top, left } = info.padInfo;
  const bottom = needH - top - h;
  const right = needW - left - w;
  let xp = x;
  if (bottom < 0 || right < 0) {
    xp = scope.run("Slice", { x: xp }, {
      begin: [0, 0, 0, 0],
      size: [b, h + Math.min(bottom, 0), w + Math.min(right, 0), c],
    });
  }
  if (top > 0 || left > 0 || bottom > 0 || right > 0) {
    xp = scope.run("PadV2", { x: xp }, {
      paddings: [[0, 0], [top, Math.max(bottom, 0)], [left, Math.max(right, 0)], [0, 0]],
      constantValue: 0,
    });
  }
  const xt = scope.run("Transpose", { x: xp }, { perm: [3, 1, 2, 0] });
  const filter = scope.run("Transpose", { x: dy }, { perm: [1, 2, 0, 3] });
  // dW[i,j] = sum_{y,x} xp[y*sh + i*dh, x*sw + j*dw] dy[y,x]: over (i, j), a
  // convolution with stride (dh, dw) whose filter dy is dilated by (sh, sw).
  const out = scope.run("Conv2D", { x: xt, filter }, {
    strides: [dh, dw],
    pad: "valid",
    dilations: [sh, sw],
    dataFormat: "NHWC",
  });
  return scope.run("Transpose", { x: out }, { perm: [1, 2, 0, 3] });
}

/**
 * Whether the filter gradient goes by image columns (one product columns x
 * dy) rather than by the convolution above. Measured at batch 8 with the
 * JavaScript loops: columns win on every ResNet-18 layer (289 ms against 389
 * ms over one of each shape) and lose where dy has 16 channels (39 ms against
 * 33 ms at 120x120). With the WASM-SIMD loops they win there too (54 ms
 * against 82 ms at 120x120, batch 16), and on 4 and 8 channels.
 */
export function filterGradByColumns(info: tf.backend_util.Conv2DInfo, simd: boolean): boolean {
  if (info.dilationHeight > 1 || info.dilationWidth > 1) return false;
  return simd || info.outChannels >= 32;
}

function byColumns(
  scope: KernelScope,
  x: tf.TensorInfo,
  dy: tf.TensorInfo,
  info: tf.backend_util.Conv2DInfo,
): tf.TensorInfo {
  const { batchSize: b, inHeight, inWidth, inChannels: c, outHeight, outWidth } = info;
  const { filterHeight: kh, filterWidth: kw, outChannels: o } = info;
  const pixels = b * outHeight * outWidth;
  const taps = kh * kw * c;
  const xT = scope.alloc([c, b * inHeight * inWidth]);
  const cols = scope.alloc([1, taps, pixels]);
  const loops = loopsFor(scope.backend);
  loops.transpose(x, 0, b * inHeight * inWidth, c, xT, 0);
  loops.im2colTransposed(xT, cols, geometryOf(info));
  const simd = simdLoopsFor(scope.backend);
  if (simd !== undefined) {
    const dw = scope.alloc([kh, kw, c, o]);
    simdGemm(simd, taps, o, pixels, { t: cols, ld: pixels }, { t: dy, ld: o }, { t: dw, ld: o });
    return dw;
  }
  const dy3 = scope.run("Reshape", { x: dy }, { shape: [1, pixels, o] });
  const dw = scope.run("BatchMatMul", { a: cols, b: dy3 }, {
    transposeA: false,
    transposeB: false,
  });
  return scope.run("Reshape", { x: dw }, { shape: [kh, kw, c, o] });
}

/** Kernel registration for `Conv2DBackpropFilter` on wasm. */
export const conv2dBackpropFilterConfig: tf.KernelConfig = {
  kernelName: tf.Conv2DBackpropFilter,
  backendName: "wasm",
  kernelFunc: conv2dBackpropFilter as tf.KernelFunc,
};
