/**
 * The forward convolution of a network's first layer (few input channels,
 * a wide kernel: ResNet's 7x7, stride 2, on RGB) by the WASM-SIMD module
 * (`simd/direct_conv.c`) on every thread of the kernel pool: image columns
 * packed straight from the input (zeros staged where a window crosses the
 * padding) into the 4x8 microkernel's panels, never stored whole. Against
 * the backend's XNNPACK kernel (2 threads, runs interleaved in one process,
 * medians of 10, three runs on a host whose speed drifts): the 775x522 ResNet-18 prediction's first layer
 * (544x800x3 to 272x400x64) 37 ms against 51, 47 against 64, 42 against 47
 * (1.1-1.4x); 272x400x3 to 136x200x64 1.3x; with 16 output channels (the
 * `cpu` preset) 1.05-1.17x, and equal on a 128x128 image. Stride-2 3x3 layers
 * on large maps come here too (`MIN_STRIDED_PIXELS`).
 *
 * @example
 * ```ts ignore
 * if (directConvFits(info)) return directConv(simd, x, filter, info);
 * ```
 * @module
 */
import type { tf } from "../tf.ts";
import { type SimdLoops, SYNC_INTS } from "./simd_loops.ts";
import { batchNormFields, type ConvBatchNorm } from "./conv_batch_norm.ts";

/**
 * Whether layers go by the direct kernel (tests and measurements turn it
 * off), and how many calls did (tests check that the path is taken).
 */
export const directConvs = { enabled: true, calls: 0 };

/** Input channels up to which a layer goes by the direct kernel. */
const MAX_IN_CHANNELS = 4;
/** Panels of 4 pixels per work item (direct_conv.c's PANELS). */
const PANELS = 8;
const PARAM_INTS = 32;

/**
 * Output pixels per image from which a stride-2 3x3 layer goes by the direct
 * kernel (per image, not per batch: the two kernels sum in different orders,
 * and a batch of tiles must give the maps of each tile alone). Against
 * XNNPACK (interleaved medians, 2 threads): 6800 pixels (136x200x64 to 128)
 * 12.1 against 14.3 ms, 1700 (68x100x128 to 256) 12.7 against 13.9, 425
 * (34x50x256 to 512) 15.3 against 16.1, a batch of 8 maps of 28x28 at 256
 * channels equal; 117 (9x13) 5.4 against 3.9: each thread packs the whole
 * filter and streams it once per 32 pixels, which small maps with wide
 * filters do not repay.
 */
const MIN_STRIDED_PIXELS = 400;

/**
 * Whether the direct kernel takes a layer: while enabled, NHWC and
 * undilated, and either a first layer (few input channels, k >= 5) or a
 * stride-2 3x3 layer on a large enough map.
 */
export function directConvFits(info: tf.backend_util.Conv2DInfo): boolean {
  if (
    !directConvs.enabled || info.dataFormat !== "channelsLast" || info.dilationHeight !== 1 ||
    info.dilationWidth !== 1
  ) {
    return false;
  }
  const firstLayer = info.inChannels <= MAX_IN_CHANNELS && info.filterHeight >= 5 &&
    info.filterWidth >= 5;
  const strided3x3 = info.filterHeight === 3 && info.filterWidth === 3 &&
    info.strideHeight === 2 && info.strideWidth === 2 &&
    info.outHeight * info.outWidth >= MIN_STRIDED_PIXELS;
  return firstLayer || strided3x3;
}

/**
 * The nine ints both direct kernels' parameter blocks begin with (`DirectConv`
 * and `DirectFilterGrad` in simd/): batch, output height, width and channels,
 * filter height and width, input channels, strides.
 */
export function convShapeInts(info: tf.backend_util.Conv2DInfo): number[] {
  return [
    info.batchSize,
    info.outHeight,
    info.outWidth,
    info.outChannels,
    info.filterHeight,
    info.filterWidth,
    info.inChannels,
    info.strideHeight,
    info.strideWidth,
  ];
}

/**
 * y [b, outH, outW, o] of the layer `info` from x and its filter [kh, kw, c,
 * o]; with `bn`, that batch norm applied to each work item's outputs while
 * they are in cache.
 */
export function directConv(
  simd: SimdLoops,
  x: tf.TensorInfo,
  filter: tf.TensorInfo,
  info: tf.backend_util.Conv2DInfo,
  bn?: ConvBatchNorm,
): tf.TensorInfo {
  const { batchSize: b, inHeight: h, inWidth: w, inChannels: c, outHeight, outWidth } = info;
  const { filterHeight: kh, filterWidth: kw } = info;
  const o = info.outChannels;
  const { top, left } = info.padInfo;
  const k = kh * kw * c, n8 = Math.ceil(o / 8) * 8;
  const perThread = n8 * k + PANELS * 4 * k + 32 + 4 * kw * c;
  const threads = simd.threads;
  const y = simd.backend.makeOutput([b, outHeight, outWidth, o], "float32");
  directConvs.calls++;
  const coef = PARAM_INTS + SYNC_INTS, scratch = coef + threads * 2 * o;
  try {
    simd.withScratch(scratch + threads * perThread + 16, (base) => {
      simd.writeParams(base, PARAM_INTS, [
        ...convShapeInts(info),
        h,
        w,
        top,
        left,
        simd.address(x),
        simd.address(filter),
        simd.address(y),
        Math.ceil((base + 4 * scratch) / 64) * 64,
        perThread,
        threads,
        base + 4 * PARAM_INTS,
        ...batchNormFields(simd, bn, base + 4 * coef),
      ]);
      simd.pool.run("direct_conv", base, threads, (arg, tid) => simd.fn.direct_conv(arg, tid));
    });
  } catch (e) {
    simd.backend.disposeData(y.dataId);
    throw e;
  }
  return y;
}
