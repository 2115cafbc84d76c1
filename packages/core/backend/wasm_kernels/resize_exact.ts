/**
 * `PointwiseResizeExact` for the wasm backend: the exact-tap bilinear resize
 * of `model/upsample.ts` (`resizeExact`), optionally of `x * scale` with a
 * one-channel `scale` (X+ = X R+ before the classifier's resize), in one
 * pass over the heap: a WASM-SIMD loop on the kernel pool's threads
 * (`simd/inference.c`), or a JavaScript loop where that is not loaded. The
 * op form runs four gathers, four products, two sums and two differences
 * through tfjs's single-threaded kernels: 18 ms of a 775x522 ResNet-18
 * prediction (GatherV2 8.0, Multiply 9.1, Add and Sub 0.9, `tf.profile`),
 * where these loops take a few.
 *
 * It rounds to float32 after every operation in the op form's order
 * (`lerp32`: a float32 product or sum done in float64 and rounded once is
 * the correctly rounded float32 result), so its output is bit for bit the
 * op form's, which the ONNX export repeats. The taps come with the call, as
 * attributes, so that the backend knows nothing of the geometries.
 *
 * @example
 * ```ts ignore
 * tf.registerKernel(resizeExactConfig);
 * ```
 * @module
 */
import type { tf } from "../tf.ts";
import type { KernelBackendLike } from "./kernel_scope.ts";
import type { KernelArgs } from "./wrap_kernel.ts";
import { type SimdLoops, simdLoopsFor, SYNC_INTS } from "./simd_loops.ts";

/** Name of the fused resize (wasm only). */
export const RESIZE_EXACT = "PointwiseResizeExact";

/** One axis's taps: output p = (1 - f) x[i0] + f x[i1]. */
export interface ResizeTaps {
  i0: Int32Array;
  i1: Int32Array;
  frac: Float32Array;
}

/** The kernel's attributes: the row and column taps. */
export interface ResizeExactAttrs {
  rows: ResizeTaps;
  cols: ResizeTaps;
}

const fr = Math.fround;

/** How many calls took the WASM-SIMD loop (tests check that it is taken). */
export const resizeExactCalls = { heap: 0 };

/** out[n][p][q][c] = bilinear of x (times scale[n][.][.][0] when given) at the taps. */
function resizeExact(args: KernelArgs): tf.TensorInfo {
  const { x, scale } = args.inputs as { x: tf.TensorInfo; scale?: tf.TensorInfo | null };
  const { rows, cols } = args.attrs as unknown as ResizeExactAttrs;
  const [n, h, w, c] = x.shape;
  if (x.dtype !== "float32" || x.shape.length !== 4) {
    throw new Error(`${RESIZE_EXACT}: x must be float32 [N,H,W,C], got ${x.dtype} [${x.shape}]`);
  }
  if (scale != null && scale.shape.join() !== [n, h, w, 1].join()) {
    throw new Error(`${RESIZE_EXACT}: scale must be [${n},${h},${w},1], got [${scale.shape}]`);
  }
  const bad = [rows.i0, rows.i1].some((a) => a.some((i) => !(i >= 0 && i < h))) ||
    [cols.i0, cols.i1].some((a) => a.some((i) => !(i >= 0 && i < w)));
  if (bad) throw new Error(`${RESIZE_EXACT}: a tap falls outside the ${h}x${w} input`);
  const outH = rows.i0.length, outW = cols.i0.length;
  const simd = simdLoopsFor(args.backend);
  if (simd !== undefined) {
    resizeExactCalls.heap++;
    return onHeap(simd, x, scale ?? undefined, rows, cols);
  }
  const backend = args.backend as KernelBackendLike;
  const out = backend.makeOutput([n, outH, outW, c], "float32");
  // Views after the allocation, which may grow the heap.
  const src = backend.typedArrayFromHeap(x) as Float32Array;
  const m = scale == null ? undefined : backend.typedArrayFromHeap(scale) as Float32Array;
  const dst = backend.typedArrayFromHeap(out) as Float32Array;
  const row = new Float32Array(w * c);
  const gc = Float32Array.from(cols.frac, (f) => fr(1 - f));
  for (let b = 0; b < n; b++) {
    for (let p = 0; p < outH; p++) {
      blendRows(src, m, b, rows.i0[p], rows.i1[p], rows.frac[p], h, w, c, row);
      let d = ((b * outH + p) * outW) * c;
      for (let q = 0; q < outW; q++) {
        const a0 = cols.i0[q] * c, a1 = cols.i1[q] * c, f = cols.frac[q], g = gc[q];
        for (let k = 0; k < c; k++) dst[d++] = fr(fr(row[a0 + k] * g) + fr(row[a1 + k] * f));
      }
    }
  }
  return out;
}

/** Int32 slots of simd/inference.c's `ResizeExact` block. */
const PARAM_INTS = 16;

/**
 * The same resize by simd/inference.c's `resize_exact` on the kernel pool's
 * threads, an output row per item: the same operations in the same order, so
 * the same bits. In a 775x522 ResNet-18 prediction (`tf.profile`, 2 threads)
 * the two resizes (the classifier's half-size X+, M+ to the image) took 4.4
 * and 2.6 ms in the JavaScript loop above, 1.0 and 1.1 ms here.
 */
function onHeap(
  simd: SimdLoops,
  x: tf.TensorInfo,
  scale: tf.TensorInfo | undefined,
  rows: ResizeTaps,
  cols: ResizeTaps,
): tf.TensorInfo {
  const [n, h, w, c] = x.shape;
  const outH = rows.i0.length, outW = cols.i0.length;
  const out = simd.backend.makeOutput([n, outH, outW, c], "float32");
  if (out.shape.some((d) => d === 0)) return out;
  const threads = Math.min(simd.threads, n * outH);
  const taps = PARAM_INTS + SYNC_INTS, fracs = taps + 2 * (outH + outW);
  const scratch = fracs + outH + outW;
  const block = simd.backend.makeOutput([scratch + threads * w * c], "float32");
  try {
    const base = simd.address(block);
    const at = (t: tf.TensorInfo | undefined) => (t === undefined ? 0 : simd.address(t));
    simd.writeParams(base, PARAM_INTS, [
      ...[at(x), at(scale), at(out), n, h, w, c, outH, outW],
      ...[base + 4 * taps, base + 4 * fracs, base + 4 * scratch, w * c, threads],
      base + 4 * PARAM_INTS,
    ]);
    const ints = new Int32Array(simd.memory.buffer, base + 4 * taps, 2 * (outH + outW));
    [rows.i0, rows.i1, cols.i0, cols.i1].reduce((o, a) => (ints.set(a, o), o + a.length), 0);
    const floats = new Float32Array(simd.memory.buffer, base + 4 * fracs, outH + outW);
    floats.set(rows.frac);
    floats.set(cols.frac, outH);
    simd.pool.run("resize_exact", base, threads, (arg, tid) => simd.fn.resize_exact(arg, tid));
    return out;
  } catch (e) {
    simd.backend.disposeData(out.dataId);
    throw e;
  } finally {
    simd.backend.disposeData(block.dataId);
  }
}

/** row = (1 - f) x[r0] + f x[r1] of image b, each x first times its scale when given. */
function blendRows(
  src: Float32Array,
  m: Float32Array | undefined,
  b: number,
  r0: number,
  r1: number,
  f: number,
  h: number,
  w: number,
  c: number,
  row: Float32Array,
): void {
  const g = fr(1 - f);
  const s0 = (b * h + r0) * w, s1 = (b * h + r1) * w;
  for (let j = 0, i = 0; j < w; j++) {
    const m0 = m === undefined ? 1 : m[s0 + j], m1 = m === undefined ? 1 : m[s1 + j];
    for (let k = 0; k < c; k++, i++) {
      const x0 = fr(src[(s0 + j) * c + k] * m0), x1 = fr(src[(s1 + j) * c + k] * m1);
      row[i] = fr(fr(x0 * g) + fr(x1 * f));
    }
  }
}

/** Kernel registration of {@link RESIZE_EXACT} on wasm. */
export const resizeExactConfig: tf.KernelConfig = {
  kernelName: RESIZE_EXACT,
  backendName: "wasm",
  kernelFunc: resizeExact as unknown as tf.KernelFunc,
};
