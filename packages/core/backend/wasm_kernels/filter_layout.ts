/**
 * Filter re-layouts for the convolution gradients, by Pointwise's own loops
 * on the wasm heap: the backend's Reverse and 4D Transpose spent over 100 ms
 * on a 3x3x512x512 filter, more than the convolution they prepare.
 *
 * @example
 * ```ts ignore
 * const wt = flippedTransposedFilter(scope, filter); // [kh, kw, o, c]
 * const wm = filterRowsByOutput(scope, filter); // [o, kh * kw * c]
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
