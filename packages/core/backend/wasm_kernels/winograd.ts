/**
 * Winograd convolutions for stride-1 3x3 layers on the wasm backend, run by
 * the WASM-SIMD module (`simd/winograd.c`) on every thread of the kernel pool:
 *
 * - the forward pass, Y = A^T [(G g G^T) . (B^T d B)] A per m x m output tile,
 *   one product per transform point (alpha^2 = (m + 2)^2 of them) with the
 *   input channels as depth;
 * - the input gradient, the same with the filter rotated by 180 degrees and
 *   its channel axes swapped (a "full" correlation of dy);
 * - the filter gradient (`winograd_filter_grad.ts`), the transpose of the
 *   forward map with respect to the filter: dg = G^T [sum over tiles
 *   (A dY A^T) . (B^T d B)] G, one product per transform point with the
 *   tiles as depth.
 *
 * F(2x2,3x3) does 2.25x fewer multiplications than the direct convolution
 * with about its rounding error; F(4x4,3x3) 4x fewer, with a few times its
 * error; F(6x6,3x3), forward only and at inference, 5.06x fewer with twice
 * F(4x4)'s error (see `winograd_test.ts` for the bounds). `winogradTile`
 * picks one per layer shape and pass, or none (the direct path).
 *
 * @example
 * ```ts ignore
 * const m = winogradTile("forward", info);
 * if (m !== undefined && simd) return winogradConv(simd, x, filter, convGeometry(info), m, false);
 * ```
 * @module
 */
import type { tf } from "../tf.ts";
import { type SimdLoops, SYNC_INTS } from "./simd_loops.ts";
import { gradientsRecorded } from "../fused.ts";
import { forgetFilter, keptFilter } from "./winograd_filter_cache.ts";
import { batchNormFields, type ConvBatchNorm } from "./conv_batch_norm.ts";
import {
  allocate,
  geometryFields,
  PARAM_INTS,
  round,
  runThreaded,
  spread,
  type WinogradGeometry,
  writeParams,
} from "./winograd_heap.ts";

export type { WinogradGeometry };

/**
 * Output tile size of a Winograd convolution: F(2x2,3x3), F(4x4,3x3), or
 * F(6x6,3x3) (the forward pass only, where no gradient is recorded).
 */
export type WinogradTile = 2 | 4 | 6;

/** Which pass a convolution computes. */
export type ConvPass = "forward" | "input" | "filter";

/** Whether a layer can go by Winograd at all: 3x3, stride 1, no dilation, channels by 4 (NHWC). */
export function winogradEligible(info: tf.backend_util.Conv2DInfo): boolean {
  return info.filterHeight === 3 && info.filterWidth === 3 &&
    info.strideHeight === 1 && info.strideWidth === 1 &&
    info.dilationHeight === 1 && info.dilationWidth === 1 &&
    info.dataFormat === "channelsLast" &&
    info.inChannels % 4 === 0 && info.outChannels % 4 === 0;
}

/**
 * How layers are chosen: by shape ("auto"), never ("off"), or always F(2x2),
 * F(4x4) or F(6x6) (whose gradients then take F(4x4)).
 */
export type WinogradMode = "auto" | "off" | WinogradTile;
let mode: WinogradMode = "auto";

/**
 * Sets how eligible layers go (for comparisons with the direct path and for
 * tests); returns the previous mode.
 */
export function setWinogradMode(next: WinogradMode): WinogradMode {
  const previous = mode;
  mode = next;
  return previous;
}

/**
 * The tile for one pass of a layer, or undefined for the direct path. It
 * never depends on the thread count, so results do not either.
 */
export function winogradTile(
  pass: ConvPass,
  info: tf.backend_util.Conv2DInfo,
): WinogradTile | undefined {
  if (mode === "off" || !winogradEligible(info)) return undefined;
  // F(6x6) has no gradient maps: a forced 6 gives the gradients F(4x4).
  if (mode !== "auto") return mode === 6 && pass !== "forward" ? 4 : mode;
  // Multiplications per channel pair and image: (m + 2)^2 per tile against 9
  // per output. F(4x4) wins from 3x3 maps up (measured on every ResNet-18 and
  // `cpu`-preset layer, all three passes, 2-3x faster than the direct path);
  // F(2x2) on maps of 2; the direct path where neither saves a quarter.
  // The same for every pass: the gradients are the same products transposed.
  const { outHeight: h, outWidth: w } = pass === "input"
    ? { outHeight: info.inHeight, outWidth: info.inWidth }
    : info;
  const cost = (m: number) => (m + 2) ** 2 * Math.ceil(h / m) * Math.ceil(w / m);
  const best: WinogradTile = cost(4) < cost(2) ? 4 : 2;
  if (best === 4 && sixFits(pass, info) && cost(6) <= 0.9 * cost(4)) return 6;
  return cost(best) <= 0.75 * 9 * h * w ? best : undefined;
}

/**
 * Where F(6x6) may serve: forward passes outside gradients (inference), of
 * layers up to 128 input channels. Measured against F(4x4) (the kernel's
 * time, medians of 9, quiet, 2 threads, ResNet-18 layers of a 775x522
 * prediction): 136x200x64 14.0 to 11.3 ms, 68x100x128 10.2 to 9.6,
 * 34x50x128 2.0 to 1.7; with 256 and 512 channels no faster (34x50x256 7.7
 * to 8.0, 17x25x512 10.1 to 10.3), on maps of a few tiles slower (9x13x512
 * 3.4 to 5.1). Its rounding error is about twice F(4x4)'s.
 */
function sixFits(pass: ConvPass, info: tf.backend_util.Conv2DInfo): boolean {
  return pass === "forward" && info.inChannels <= 128 && !gradientsRecorded();
}

/** The geometry of a layer's forward pass. */
export function forwardGeometry(info: tf.backend_util.Conv2DInfo): WinogradGeometry {
  return {
    batch: info.batchSize,
    inH: info.inHeight,
    inW: info.inWidth,
    inC: info.inChannels,
    outH: info.outHeight,
    outW: info.outWidth,
    outC: info.outChannels,
    top: info.padInfo.top,
    left: info.padInfo.left,
  };
}

/** The geometry of a layer's input gradient: a correlation of dy by the rotated filter. */
export function inputGradGeometry(info: tf.backend_util.Conv2DInfo): WinogradGeometry {
  return {
    batch: info.batchSize,
    inH: info.outHeight,
    inW: info.outWidth,
    inC: info.outChannels,
    outH: info.inHeight,
    outW: info.inWidth,
    outC: info.inChannels,
    top: 2 - info.padInfo.top,
    left: 2 - info.padInfo.left,
  };
}

/**
 * Byte budgets of one chunk of tiles, the transforms and products that the
 * threads share: the larger, the fewer times the transformed filter (or the
 * filter gradient's sums) is read; the smaller, the more stays in cache.
 * A forward chunk grows up to the stored filter's transform, at most
 * `convFilter` bytes: every chunk reads all of it, so where it outweighs the
 * chunk (few tiles, many channels) small chunks spend their time reading it
 * again. Measured on the 775x522 ResNet-18 prediction's layers (2 threads,
 * medians of 9): 17x25x512 11.9 ms in 3 chunks, 10.0 in one; the whole
 * prediction 7% faster, paired runs in one process. Tests lower `conv` and
 * `convFilter` to run several chunks on small layers.
 */
export const winogradChunkBytes = {
  conv: 2 << 20,
  convFilter: 16 << 20,
  filter: 8 << 20,
  local: 256 << 10,
  localFilter: 16 << 20,
};

/**
 * Whether the forward pass stores the whole transformed filter (read once
 * per chunk) rather than transforming a block of it per work item (every
 * item then reads the chunk's transformed input). `store` overrides the
 * choice, for tests and measurements.
 */
export const winogradFilter: { store?: boolean } = {};

// Stored filter against fused transforms (process CPU time, 1 thread, best
// of 5 interleaved runs on a loaded machine): equal within noise on most
// ResNet-18 and `cpu`-preset layers, stored 5-12% faster with 512 channels at
// 7x7 and on 136x200 maps; fused only where the stored filter would be large.
const STORE_LIMIT_BYTES = 64 << 20;

function storeFilter(g: WinogradGeometry, m: number): boolean {
  if (winogradFilter.store !== undefined) return winogradFilter.store;
  return 4 * (m + 2) ** 2 * round(g.outC, 8) * g.inC <= STORE_LIMIT_BYTES;
}

/**
 * Calls that went by Winograd, per pass, and those of them on the local
 * schedule (tests check that a path is taken).
 */
export const winogradCalls = { forward: 0, input: 0, filter: 0, local: 0 };

/**
 * y = the correlation of x (NHWC) by a 3x3 filter, by F(m x m, 3 x 3). With
 * `flip` the filter is read as the input gradient's: w[2 - i][2 - j] with
 * its channel axes swapped (`w` is then [3, 3, outC, inC]). With `bn` (the
 * forward pass only) the output transform applies that batch norm.
 */
export function winogradConv(
  simd: SimdLoops,
  x: tf.TensorInfo,
  w: tf.TensorInfo,
  g: WinogradGeometry,
  m: WinogradTile,
  flip: boolean,
  bn?: ConvBatchNorm,
): tf.TensorInfo {
  if (bn !== undefined && flip) throw new RangeError("winogradConv: a batch norm needs flip false");
  const threads = simd.threads;
  const { a2, nc8, chunk, store, filterFloats, block, perThread } = convPlan(g, m, threads);
  // At inference the filter's transform is kept between calls (winograd_filter_cache.ts).
  const kept = store && !flip ? keptFilter(simd, w, m, filterFloats) : undefined;
  const y = simd.backend.makeOutput([g.batch, g.outH, g.outW, g.outC], "float32");
  const { t, at } = allocate(simd, [
    PARAM_INTS + SYNC_INTS,
    block > 0 ? 0 : (chunk / 4) * a2 * spread(g.inC * 4),
    block > 0 ? 0 : chunk * a2 * spread(nc8),
    store && kept === undefined ? filterFloats : 0,
    threads * perThread,
    bn === undefined ? 0 : 2 * g.outC,
  ]);
  try {
    const [params, v, mm, scratchU, scratch, coef] = at;
    const u = kept?.address ?? scratchU;
    const sync = params + 4 * PARAM_INTS;
    const fields = [
      ...geometryFields(g, m, chunk, threads, sync),
      simd.address(x),
      simd.address(w),
      flip ? 1 : 0,
      simd.address(y),
      v,
      mm,
      store ? u : 0,
      scratch,
      perThread,
      kept?.ready ? 1 : 0,
      ...batchNormFields(simd, bn, coef),
      block,
    ];
    writeParams(simd, params, fields);
    runThreaded(simd, "winograd_conv", params, threads);
    winogradCalls[flip ? "input" : "forward"]++;
    if (block > 0) winogradCalls.local++;
    return y;
  } catch (e) {
    simd.backend.disposeData(y.dataId);
    if (kept !== undefined && !kept.ready) forgetFilter(simd, w, m);
    throw e;
  } finally {
    simd.backend.disposeData(t.dataId);
  }
}

/** How a call of `winogradConv` lays out its work and its buffers. */
interface ConvPlan {
  /** Points of a tile's transform. */
  a2: number;
  /** Output channels rounded up to blocks of 8. */
  nc8: number;
  /** Tiles per chunk of the shared schedule. */
  chunk: number;
  /** Whether the filter's transform is stored whole (`storeFilter`). */
  store: boolean;
  /** Its floats, stored. */
  filterFloats: number;
  /** Tiles per block of the local schedule, or 0 (`localBlock`). */
  block: number;
  /** Scratch floats per thread. */
  perThread: number;
}

function convPlan(g: WinogradGeometry, m: WinogradTile, threads: number): ConvPlan {
  const a2 = (m + 2) ** 2, nc8 = round(g.outC, 8);
  const tiles = g.batch * Math.ceil(g.outH / m) * Math.ceil(g.outW / m);
  // A chunk's transforms (inC) and products (outC8) at the a2 points.
  const perTile = 4 * a2 * (g.inC + nc8);
  const store = storeFilter(g, m);
  const filterFloats = a2 * spread(nc8 * g.inC);
  const budget = Math.max(
    winogradChunkBytes.conv,
    store ? Math.min(4 * filterFloats, winogradChunkBytes.convFilter) : 0,
  );
  const chunk = Math.min(round(tiles, 4), Math.max(4, Math.floor(budget / perTile / 4) * 4));
  // A thread's filter block (8 output channels at every point) and staging.
  const block = localBlock(g, a2, nc8, tiles, threads, store ? 4 * filterFloats : undefined);
  const perThread = (store ? 0 : a2 * spread(g.inC * 8)) + 24 * a2 +
    (block / 4) * a2 * spread(g.inC * 4) + block * a2 * spread(nc8);
  return { a2, nc8, chunk, store, filterFloats, block, perThread };
}

/**
 * Tiles per block of the local schedule (winograd.c's `conv_local`), or 0
 * for the shared one: where the filter is stored and small
 * (`winogradChunkBytes.localFilter`: every block reads all of it) and the
 * tiles make several blocks per thread, each block's transforms and products
 * within `winogradChunkBytes.local` bytes, so that they stay in the core's
 * cache and the threads never wait for each other. On the shared schedule
 * the transforms ran no faster on 2 threads than on 1 (memory traffic between
 * the steps: a 136x200x64 layer writes and reads 51 MB of transforms and
 * products). Measured against it (2 threads, calls interleaved in one
 * process, medians of 22): 136x200x64 11.0 to 6.8 ms, 68x100x128 8.3 to
 * 6.1, 34x50x256 8.6 to 7.4 (blocks of 256 KiB; 512 KiB did less, 128 the
 * same); the 775x522 prediction 12% faster (paired, 15 each).
 */
function localBlock(
  g: WinogradGeometry,
  a2: number,
  nc8: number,
  tiles: number,
  threads: number,
  filterBytes: number | undefined,
): number {
  const { local, localFilter } = winogradChunkBytes;
  if (filterBytes === undefined || local <= 0 || filterBytes > localFilter) return 0;
  const block = Math.max(4, Math.floor(local / (4 * a2 * (g.inC + nc8)) / 4) * 4);
  return tiles >= 4 * threads * block ? block : 0;
}
