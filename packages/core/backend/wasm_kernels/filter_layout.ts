/**
 * Filter re-layouts for the convolution gradients, by Pointwise's own loops
 * on the wasm heap: the backend's Reverse and 4D Transpose spent over 100 ms
 * on a 3x3x512x512 filter, more than the convolution they prepare.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { initBackend } from "../backend.ts";
 * import { tf } from "../tf.ts";
 * import { filterRowsByOutput, flippedTransposedFilter } from "./filter_layout.ts";
 * import { type KernelBackendLike, KernelScope } from "./kernel_scope.ts";
 * await initBackend("wasm");
 * const backend = tf.backend() as unknown as KernelBackendLike;
 * const filter = tf.tensor4d([1, 2, 3, 4], [1, 2, 1, 2]); // [kh, kw, c, o]: 2 taps, 2 outputs
 * const scope = new KernelScope(backend);
 * try {
 *   const read = (t: tf.TensorInfo) => Array.from(backend.typedArrayFromHeap(t));
 *   assert.deepEqual(read(flippedTransposedFilter(scope, filter)), [3, 4, 1, 2]); // taps reversed
 *   assert.deepEqual(read(filterRowsByOutput(scope, filter)), [1, 3, 2, 4]); // one row per output
 * } finally {
 *   scope.dispose();
 * }
 * ```
 * @module
 */
import type { tf } from "../tf.ts";
import type { KernelScope } from "./kernel_scope.ts";
import { loopsFor } from "./training_loops.ts";

/**
 * The filter of the input gradient: `[kh, kw, c, o]` to `[kh, kw, o, c]`,
 * flipped in both spatial axes (flipping both is reversing the tap index).
 */
export function flippedTransposedFilter(scope: KernelScope, filter: tf.TensorInfo): tf.TensorInfo {
  const [kh, kw, c, o] = filter.shape;
  const taps = kh * kw;
  const out = scope.alloc([kh, kw, o, c]);
  const loops = loopsFor(scope.backend);
  for (let t = 0; t < taps; t++) {
    loops.transpose(filter, (taps - 1 - t) * c * o, c, o, out, t * o * c);
  }
  return out;
}

/** The filter as the matrix `[o, kh * kw * c]` that maps dy to image columns. */
export function filterRowsByOutput(scope: KernelScope, filter: tf.TensorInfo): tf.TensorInfo {
  const [kh, kw, c, o] = filter.shape;
  const out = scope.alloc([o, kh * kw * c]);
  loopsFor(scope.backend).transpose(filter, 0, kh * kw * c, o, out, 0);
  return out;
}
