/**
 * `GatherV2` for the wasm backend without batch dimensions, as copies of
 * whole slices on the heap: tfjs's own kernel computes every element's
 * address and took 41 ms to take 272 of 544 image rows (the half-size input
 * of a 775x522 prediction) and 29 ms to widen a map to 800 columns. Other
 * cases fall back to tfjs's kernel.
 *
 * @example
 * ```ts ignore
 * tf.registerKernel(wrapWasmKernel(tf.getKernel("GatherV2", "wasm")!, gatherV2));
 * ```
 * @module
 */
import { tf } from "../tf.ts";
import type { KernelBackendLike } from "./kernel_scope.ts";
import type { KernelArgs } from "./wrap_kernel.ts";

/** out[o][i][s] = x[o][indices[i]][s], or undefined to fall back. */
export function gatherV2(args: KernelArgs): tf.TensorInfo | undefined {
  const { x, indices } = args.inputs as { x: tf.TensorInfo; indices: tf.TensorInfo };
  const { axis, batchDims } = args.attrs as unknown as tf.GatherV2Attrs;
  if ((batchDims ?? 0) !== 0 || indices.dtype !== "int32") return undefined;
  if (x.dtype !== "float32" && x.dtype !== "int32") return undefined;
  const backend = args.backend as KernelBackendLike;
  const a = tf.util.parseAxisParam(axis, x.shape)[0];
  const outer = x.shape.slice(0, a).reduce((p, d) => p * d, 1);
  const dim = x.shape[a];
  const slice = x.shape.slice(a + 1).reduce((p, d) => p * d, 1);
  const idx = backend.typedArrayFromHeap(indices) as Int32Array;
  for (let i = 0; i < idx.length; i++) {
    if (!(idx[i] >= 0 && idx[i] < dim)) {
      throw new Error(`GatherV2: the index value ${idx[i]} is not in [0, ${dim - 1}]`);
    }
  }
  const out = backend.makeOutput([
    ...x.shape.slice(0, a),
    ...indices.shape,
    ...x.shape.slice(a + 1),
  ], x.dtype);
  // Views after the allocation, which may grow the heap.
  const src = backend.typedArrayFromHeap(x) as Float32Array | Int32Array;
  const dst = backend.typedArrayFromHeap(out) as Float32Array | Int32Array;
  const n = idx.length;
  const indexView = backend.typedArrayFromHeap(indices) as Int32Array;
  for (let o = 0, d = 0; o < outer; o++) {
    const base = o * dim * slice;
    if (slice >= 16) {
      for (let i = 0; i < n; i++, d += slice) {
        const s = base + indexView[i] * slice;
        dst.set(src.subarray(s, s + slice), d);
      }
    } else {
      for (let i = 0; i < n; i++) {
        const s = base + indexView[i] * slice;
        for (let k = 0; k < slice; k++) dst[d++] = src[s + k];
      }
    }
  }
  return out;
}
