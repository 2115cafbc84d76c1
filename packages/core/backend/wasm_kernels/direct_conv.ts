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
 * `cpu` preset) 1.05-1.17x, and equal on a 128x128 image.
 *
 * @example
 * ```ts ignore
 * if (directConvFits(info)) return directConv(simd, x, filter, info);
 * ```
 * @module
 */
import type { tf } from "../tf.ts";
import type { SimdLoops } from "./simd_loops.ts";

/** Input channels up to which a layer goes by the direct kernel. */
const MAX_IN_CHANNELS = 4;
/** Panels of 4 pixels per work item (direct_conv.c's PANELS). */
const PANELS = 8;
const PARAM_INTS = 24;
const SYNC_INTS = 16;

/** Whether the direct kernel takes a layer: NHWC, undilated, few input channels, k >= 5. */
export function directConvFits(info: tf.backend_util.Conv2DInfo): boolean {
  return info.dataFormat === "channelsLast" && info.dilationHeight === 1 &&
    info.dilationWidth === 1 && info.inChannels <= MAX_IN_CHANNELS &&
    info.filterHeight >= 5 && info.filterWidth >= 5;
}

/** y [b, outH, outW, o] of the layer `info` from x and its filter [kh, kw, c, o]. */
export function directConv(
  simd: SimdLoops,
  x: tf.TensorInfo,
  filter: tf.TensorInfo,
  info: tf.backend_util.Conv2DInfo,
): tf.TensorInfo {
  const { batchSize: b, inHeight: h, inWidth: w, inChannels: c, outHeight, outWidth } = info;
  const { filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw } = info;
  const o = info.outChannels;
  const { top, left } = info.padInfo;
  const k = kh * kw * c, n8 = Math.ceil(o / 8) * 8;
  const perThread = n8 * k + PANELS * 4 * k + 32 + 4 * kw * c;
  const threads = simd.threads;
  const y = simd.backend.makeOutput([b, outHeight, outWidth, o], "float32");
  try {
    simd.withScratch(PARAM_INTS + SYNC_INTS + threads * perThread + 16, (base) => {
      const view = new Int32Array(simd.memory.buffer, base, PARAM_INTS + SYNC_INTS);
      view.fill(0);
      view.set([
        b,
        outHeight,
        outWidth,
        o,
        kh,
        kw,
        c,
        sh,
        sw,
        h,
        w,
        top,
        left,
        simd.address(x),
        simd.address(filter),
        simd.address(y),
        Math.ceil((base + 4 * (PARAM_INTS + SYNC_INTS)) / 64) * 64,
        perThread,
        threads,
        base + 4 * PARAM_INTS,
      ]);
      view[PARAM_INTS + 3] = simd.pool.mainBlocks ? 1 : 0;
      simd.pool.run("direct_conv", base, threads, (arg, tid) => simd.fn.direct_conv(arg, tid));
    });
  } catch (e) {
    simd.backend.disposeData(y.dataId);
    throw e;
  }
  return y;
}
