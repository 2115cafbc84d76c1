/**
 * The filter gradient of an undilated convolution without image columns, by
 * the WASM-SIMD module (`simd/direct.c`) on every thread of the kernel pool:
 * the taps of a kernel row are contiguous in the padded input, so the 4x8
 * microkernel reads them where they lie. It replaces a matrix of image
 * columns of kh * kw * c rows by pixels (59 MB for ResNet-18's first layer
 * at batch 8) and a product over it. Output channels must come by 8.
 *
 * @example
 * ```ts ignore
 * if (directFilterGradFits(info)) return directFilterGrad(simd, scope, x, dy, info);
 * ```
 * @module
 */
import type { tf } from "../tf.ts";
import type { KernelScope } from "./kernel_scope.ts";
import { type SimdLoops, SYNC_INTS } from "./simd_loops.ts";
import { convShapeInts } from "./direct_conv.ts";

/** Whether the direct filter gradient takes a layer: NHWC, undilated, output channels by 8. */
export function directFilterGradFits(info: tf.backend_util.Conv2DInfo): boolean {
  return info.dataFormat === "channelsLast" && info.dilationHeight === 1 &&
    info.dilationWidth === 1 && info.outChannels % 8 === 0;
}

const PARAM_INTS = 24;

/** dw [kh, kw, c, o] of the layer `info`, from its input x and output gradient dy. */
export function directFilterGrad(
  simd: SimdLoops,
  scope: KernelScope,
  x: tf.TensorInfo,
  dy: tf.TensorInfo,
  info: tf.backend_util.Conv2DInfo,
): tf.TensorInfo {
  const { inHeight: h, inWidth: w, inChannels: c, outHeight, outWidth } = info;
  const { filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw } = info;
  const o = info.outChannels;
  const { top, left } = info.padInfo;
  // The rows and columns the pixels read, padded with zeros; one more row of
  // zeros as slack for the tap groups that run past a kernel row's end.
  const bottom = Math.max((outHeight - 1) * sh + kh - top - h, 0) + 1;
  const right = Math.max((outWidth - 1) * sw + kw - left - w, 0);
  // Padded by the kernel's threads (simd/direct.c).
  const xp = scope.alloc([info.batchSize, top + h + bottom, left + w + right, c]);
  const rows = Math.ceil((kw * c) / 4) * 4;
  const dw = scope.alloc([kh, kw, c, o]);
  const block = scope.alloc([PARAM_INTS + SYNC_INTS + kh * rows * o]);
  const base = simd.address(block);
  const threads = simd.threads;
  simd.writeParams(base, PARAM_INTS, [
    ...convShapeInts(info),
    xp.shape[1],
    xp.shape[2],
    simd.address(xp),
    simd.address(dy),
    base + 4 * (PARAM_INTS + SYNC_INTS),
    simd.address(dw),
    threads,
    base + 4 * PARAM_INTS,
    simd.address(x),
    h,
    w,
    top,
    left,
  ]);
  simd.pool.run(
    "direct_filter_grad",
    base,
    threads,
    (arg, tid) => simd.fn.direct_filter_grad(arg, tid),
  );
  return dw;
}
