/**
 * The forward pass of undilated convolutions that XNNPACK runs slowly, by the
 * WASM-SIMD module (`simd/direct_conv.c`) on every thread of the kernel pool:
 * pixels' taps packed four at a time into a panel that meets the whole
 * filter through the 4x8 microkernel. It takes the 7x7 stem (3 input
 * channels: XNNPACK's depth per tap is 3) and the strided 3x3 layers; see
 * {@link directConvFits} for the measurements that chose them.
 *
 * @example
 * ```ts ignore
 * if (directConvFits(info)) return directConv(simd, x, filter, info);
 * ```
 * @module
 */
import type { tf } from "../tf.ts";
import type { SimdLoops } from "./simd_loops.ts";

const PARAM_INTS = 24;
const SYNC_INTS = 16;

/** Whether the layers go this way ("auto": by shape; "off": never, for comparisons and tests). */
export const directConvMode: { mode: "auto" | "off" | "always" } = { mode: "auto" };

/**
 * Whether a forward convolution goes by {@link directConv}: NHWC, undilated,
 * output channels by 8, and a shape where it beat XNNPACK here: a stem of at
 * most 4 input channels, or a stride-2 3x3 layer.
 *
 * Measured (`deno run -A tasks/bench_direct_conv.ts`, 2 threads, medians):
 * see the table in that file.
 */
export function directConvFits(info: tf.backend_util.Conv2DInfo): boolean {
  if (directConvMode.mode === "off") return false;
  const eligible = info.dataFormat === "channelsLast" && info.dilationHeight === 1 &&
    info.dilationWidth === 1 && info.outChannels % 8 === 0;
  if (!eligible || directConvMode.mode === "always") return eligible;
  const stem = info.inChannels <= 4;
  const strided3x3 = info.filterHeight === 3 && info.filterWidth === 3 &&
    info.strideHeight === 2 && info.strideWidth === 2;
  return stem || strided3x3;
}

/** Calls that went this way (tests check that the path is taken). */
export const directConvCalls = { forward: 0 };

/** y = conv(x, w) for the layer `info`. */
export function directConv(
  simd: SimdLoops,
  x: tf.TensorInfo,
  w: tf.TensorInfo,
  info: tf.backend_util.Conv2DInfo,
): tf.TensorInfo {
  const { batchSize: b, inHeight, inWidth, inChannels: c, outHeight, outWidth } = info;
  const { filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw } = info;
  const o = info.outChannels;
  const k = kh * kw * c;
  const threads = simd.threads;
  const perThread = 4 * k + 32;
  const y = simd.backend.makeOutput([b, outHeight, outWidth, o], "float32");
  // Parameters, the Sync block, the packed filter, the threads' panels.
  const block = simd.backend.makeOutput(
    [PARAM_INTS + SYNC_INTS + k * o + threads * perThread + 16],
    "float32",
  );
  try {
    const base = simd.address(block);
    const wp = Math.ceil((base + 4 * (PARAM_INTS + SYNC_INTS)) / 64) * 64;
    const view = new Int32Array(simd.memory.buffer, base, PARAM_INTS + SYNC_INTS);
    view.fill(0);
    view.set([
      b,
      inHeight,
      inWidth,
      c,
      outHeight,
      outWidth,
      o,
      kh,
      kw,
      sh,
      sw,
      info.padInfo.top,
      info.padInfo.left,
      simd.address(x),
      simd.address(w),
      simd.address(y),
      wp,
      wp + 4 * k * o,
      perThread,
      threads,
      base + 4 * PARAM_INTS,
    ]);
    view[PARAM_INTS + 3] = simd.pool.mainBlocks ? 1 : 0;
    simd.pool.run("direct_conv", base, threads, (arg, tid) => simd.fn.direct_conv(arg, tid));
    directConvCalls.forward++;
    return y;
  } catch (e) {
    simd.backend.disposeData(y.dataId);
    throw e;
  } finally {
    simd.backend.disposeData(block.dataId);
  }
}
