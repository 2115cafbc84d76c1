/**
 * `Conv2DBackpropFilter` on webgpu as a tiled implicit GEMM. The filter
 * gradient is dW[K, Co] = A[K, M] B[M, Co] with K = kh kw Ci (the HWIO
 * filter's rows), M = N OH OW, A the im2col of x (read in place, zero
 * outside the image) and B = dy. tfjs's kernel gives each filter element one
 * thread that loops over all of M: on the stem (K = 147, M = N 112 112) a
 * few thousand threads each run a 100 000-long serial loop.
 *
 * Here a workgroup of 16 x 16 threads computes a 64 x 64 tile of dW (256 x
 * 16 or 128 x 32 when Co is 16 or 32), each thread 16 outputs from
 * workgroup memory, stepping through M 16 at a time; neighbouring threads
 * load neighbouring channels. When the tiles are
 * too few to fill a GPU, M is split over the z dimension of the dispatch and
 * a second pass sums the partial tiles (split-K, in GEMM terms).
 *
 * @example
 * ```ts ignore
 * const dw = tf.engine().runKernel("Conv2DBackpropFilter", { x, dy },
 *   { strides: 2, pad: 1, dataFormat: "NHWC", filterShape: [3, 3, 16, 32] });
 * ```
 * @module
 */
import { tf } from "../tf.ts";
import { asWebGpu, bindings, flatIndex, grid, runProgram } from "./gpu_program.ts";

/** Outputs per workgroup (tile rows of K times columns of Co) and reduction step. */
const TILE_AREA = 4096;
const STEP = 16;
/** Workgroups worth having in flight before M is split: a few per multiprocessor of a large GPU. */
const TARGET_GROUPS = 512;
/** Fewest values of M one split covers. */
const MIN_SPLIT = 256;

/**
 * The GEMM for a tile of tk rows (of K) by tc columns (of Co), tk tc = 4096:
 * each of the 256 threads holds tk/16 x tc/16 accumulators. Narrow layers
 * (Co of 16 or 32) get tall tiles so that no column of a tile is wasted.
 */
const gemm = (tk: number, tc: number) => `
${
  bindings(["out"], ["x", "dy"], [
    "K: u32",
    "Co: u32",
    "M: u32",
    "mPerSplit: u32",
    "Ci: u32",
    "KW: u32",
    "H: u32",
    "W: u32",
    "OH: u32",
    "OW: u32",
    "strideH: u32",
    "strideW: u32",
    "padTop: i32",
    "padLeft: i32",
  ])
}
var<workgroup> As: array<f32, ${STEP * tk}>;
var<workgroup> Bs: array<f32, ${STEP * tc}>;
// Per value of M in the step: image row offset n H (-1 past the end), top and left input corner.
var<workgroup> Ms: array<vec3<i32>, ${STEP}>;
@compute @workgroup_size(16, 16)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let t = lid.y * 16u + lid.x;
  let k0 = wg.x * ${tk}u;
  let c0 = wg.y * ${tc}u;
  let mStart = wg.z * P.mPerSplit;
  let mEnd = min(P.M, mStart + P.mPerSplit);
  // This thread always loads row kk of the A tile (256 is a multiple of tk): decode it once.
  let kk = t % ${tk}u;
  let kIdx = k0 + kk;
  let ci = kIdx % P.Ci;
  let tap = kIdx / P.Ci;
  let kh = i32(tap / P.KW);
  let kw = i32(tap % P.KW);
  var acc: array<array<f32, ${tc / 16}>, ${tk / 16}>;
  for (var i = 0u; i < ${tk / 16}u; i++) {
    for (var j = 0u; j < ${tc / 16}u; j++) { acc[i][j] = 0.0; }
  }
  for (var m0 = mStart; m0 < mEnd; m0 += ${STEP}u) {
    // Decode the step's values of M once for the workgroup (divisions are slow on GPUs).
    if (t < ${STEP}u) {
      let m = m0 + t;
      let ox = m % P.OW;
      let rest = m / P.OW;
      let oy = rest % P.OH;
      let n = rest / P.OH;
      Ms[t] = vec3<i32>(
        select(-1, i32(n * P.H), m < mEnd),
        i32(oy * P.strideH) - P.padTop,
        i32(ox * P.strideW) - P.padLeft,
      );
    }
    workgroupBarrier();
    for (var r = 0u; r < ${(tk * STEP) / 256}u; r++) {
      let mm = (t + 256u * r) / ${tk}u;
      let info = Ms[mm];
      let iy = info.y + kh;
      let ix = info.z + kw;
      var a = 0.0;
      if (info.x >= 0 && kIdx < P.K && iy >= 0 && iy < i32(P.H) && ix >= 0 && ix < i32(P.W)) {
        a = x[((u32(info.x) + u32(iy)) * P.W + u32(ix)) * P.Ci + ci];
      }
      As[mm * ${tk}u + kk] = a;
    }
    for (var r = 0u; r < ${(tc * STEP) / 256}u; r++) {
      let e = t + 256u * r;
      let mm = e / ${tc}u;
      let m = m0 + mm;
      let cc = e % ${tc}u;
      var b = 0.0;
      if (m < mEnd && c0 + cc < P.Co) { b = dy[m * P.Co + c0 + cc]; }
      Bs[mm * ${tc}u + cc] = b;
    }
    workgroupBarrier();
    for (var s = 0u; s < ${STEP}u; s++) {
      var av: array<f32, ${tk / 16}>;
      var bv: array<f32, ${tc / 16}>;
      for (var i = 0u; i < ${tk / 16}u; i++) { av[i] = As[s * ${tk}u + lid.y + 16u * i]; }
      for (var j = 0u; j < ${tc / 16}u; j++) { bv[j] = Bs[s * ${tc}u + lid.x + 16u * j]; }
      for (var i = 0u; i < ${tk / 16}u; i++) {
        for (var j = 0u; j < ${tc / 16}u; j++) { acc[i][j] = fma(av[i], bv[j], acc[i][j]); }
      }
    }
    workgroupBarrier();
  }
  let base = wg.z * P.K * P.Co;
  for (var i = 0u; i < ${tk / 16}u; i++) {
    let row = k0 + lid.y + 16u * i;
    for (var j = 0u; j < ${tc / 16}u; j++) {
      let col = c0 + lid.x + 16u * j;
      if (row < P.K && col < P.Co) { out[base + row * P.Co + col] = acc[i][j]; }
    }
  }
}`;

const SUM_SPLITS = `
${bindings(["dw"], ["partial"], ["size: u32", "splits: u32"])}
@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = ${flatIndex()};
  if (i >= P.size) { return; }
  var s = 0.0;
  for (var z = 0u; z < P.splits; z++) { s += partial[z * P.size + i]; }
  dw[i] = s;
}`;

/** Tile columns for Co output channels: 16, 32 or 64. */
export function tileColumns(co: number): number {
  return co <= 16 ? 16 : co <= 32 ? 32 : 64;
}

/** How many slices M is cut into for a K x Co output. */
export function splitsFor(k: number, co: number, m: number): number {
  const tc = tileColumns(co);
  const tiles = Math.ceil(k / (TILE_AREA / tc)) * Math.ceil(co / tc);
  const wanted = Math.ceil(TARGET_GROUPS / tiles);
  return Math.max(1, Math.min(wanted, Math.floor(m / MIN_SPLIT), 65535));
}

function conv2dBackpropFilter(
  args: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap },
): tf.TensorInfo {
  const { x, dy } = args.inputs as Record<string, tf.TensorInfo>;
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } = args.attrs as unknown as {
    strides: number | [number, number];
    pad: "valid" | "same" | number | tf.backend_util.ExplicitPadding;
    dataFormat: "NHWC" | "NCHW";
    dimRoundingMode?: "floor" | "round" | "ceil";
    filterShape: [number, number, number, number];
  };
  if (dataFormat === "NCHW") {
    throw new Error("Conv2DBackpropFilter on webgpu: NCHW is not supported");
  }
  const b = asWebGpu(args.backend);
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    filterShape,
    strides,
    1,
    pad,
    dimRoundingMode,
  );
  const k = info.filterHeight * info.filterWidth * info.inChannels;
  const co = info.outChannels;
  const m = info.batchSize * info.outHeight * info.outWidth;
  const splits = splitsFor(k, co, m);
  const mPerSplit = Math.ceil(m / splits / STEP) * STEP;
  const used = Math.ceil(m / mPerSplit);
  const dw = b.makeTensorInfo(filterShape, "float32");
  const target = used === 1 ? dw : b.makeTensorInfo([used * k * co], "float32");
  const u = (value: number) => ({ type: "u32" as const, value });
  const tc = tileColumns(co);
  const tk = TILE_AREA / tc;
  runProgram(b, {
    key: `pointwise_conv2d_backprop_filter_gemm_${tk}x${tc}`,
    wgsl: () => gemm(tk, tc),
    outputs: [target],
    inputs: [x, dy],
    params: [
      u(k),
      u(co),
      u(m),
      u(mPerSplit),
      u(info.inChannels),
      u(info.filterWidth),
      u(info.inHeight),
      u(info.inWidth),
      u(info.outHeight),
      u(info.outWidth),
      u(info.strideHeight),
      u(info.strideWidth),
      { type: "i32", value: info.padInfo.top },
      { type: "i32", value: info.padInfo.left },
    ],
    workgroups: [Math.ceil(k / tk), Math.ceil(co / tc), used],
  });
  if (target !== dw) {
    runProgram(b, {
      key: "pointwise_conv2d_backprop_filter_sum",
      wgsl: () => SUM_SPLITS,
      outputs: [dw],
      inputs: [target],
      params: [u(k * co), u(used)],
      workgroups: grid(k * co),
    });
    b.disposeData(target.dataId);
  }
  return dw;
}

/** Kernel registration on webgpu, replacing tfjs's. */
export const conv2dBackpropFilterConfig: tf.KernelConfig = {
  kernelName: "Conv2DBackpropFilter",
  backendName: "webgpu",
  kernelFunc: conv2dBackpropFilter as unknown as tf.KernelFunc,
};
