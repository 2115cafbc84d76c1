/**
 * Bilinear resizing with exact sampling positions, in one of two geometries:
 * - `align-corners`: the reference's `align_corners=True`, which maps the
 *   first and last cells to the first and last pixels;
 * - `stride-grid`: each cell at the input pixel its features are centred on.
 *   With PyTorch-style padding every stride-2 layer maps cell i to input
 *   position 2i, so cell i of a stride-32 map sits on pixel 32 i; pixels past
 *   the last cell take its value. `align-corners` stretches the map away from
 *   that grid by up to one stride at the far edges.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { tf } from "../backend/tf.ts";
 * import { axisTaps, upsampleMap } from "./upsample.ts";
 * // Two cells to four pixels with align-corners: pixel 1 sits a third of the way.
 * const { i0, frac } = axisTaps(4, 2, "align-corners");
 * assert.deepEqual([Array.from(i0), Array.from(frac)], [[0, 0, 0, 1], [0, 1 / 3, 2 / 3, 0].map(Math.fround)]);
 * const up = upsampleMap(tf.tensor4d([0, 3], [1, 1, 2, 1]), [1, 4], "align-corners");
 * assert.deepEqual(Array.from(await up.data()), [0, 1, 2, 3]);
 * ```
 * @module
 */
import { tf } from "../backend/tf.ts";

import type { UpsampleMode } from "../config/options.ts";
import { axisTaps } from "./upsample_taps.ts";
import { gradientsRecorded, hasKernel } from "../backend/fused.ts";
import { RESIZE_EXACT } from "../backend/wasm_kernels/resize_exact.ts";

export { UPSAMPLE_MODES, type UpsampleMode } from "../config/options.ts";
export { axisTaps, samplePosition } from "./upsample_taps.ts";

/**
 * Bilinear resize of NHWC tensors to `size` with exact sampling positions:
 * per axis, two gathers and (1 - f) x0 + f x1. With `align-corners` it is
 * PyTorch's `align_corners=True`. The ONNX export computes the same taps and
 * the same operations, so both runtimes agree to float rounding. It is used
 * where no gradient is needed (the classifier's input, and M+). With
 * `scale` [N,H,W,1] it resizes x·scale (X+ = X R+ before the classifier).
 * On wasm, outside gradients, one kernel does it all (`RESIZE_EXACT`), bit
 * for bit the same.
 */
export function resizeExact(
  x: tf.Tensor4D,
  size: [number, number],
  mode: UpsampleMode = "align-corners",
  stride = 32,
  scale?: tf.Tensor4D,
): tf.Tensor4D {
  const [, h, w] = x.shape;
  const [outH, outW] = size;
  const rows = axisTaps(outH, h, mode, stride);
  const cols = axisTaps(outW, w, mode, stride);
  if (hasKernel(RESIZE_EXACT) && !gradientsRecorded()) {
    const inputs: tf.NamedTensorMap = scale === undefined ? { x } : { x, scale };
    const attrs = { rows, cols } as unknown as tf.NamedAttrMap;
    return tf.engine().runKernel(RESIZE_EXACT, inputs, attrs) as tf.Tensor4D;
  }
  return tf.tidy(() => {
    if (scale !== undefined) x = tf.mul(x, scale);
    const fr = tf.tensor4d(rows.frac, [1, outH, 1, 1]);
    const byRow = tf.add(
      tf.mul(tf.gather(x, tf.tensor1d(rows.i0, "int32"), 1), tf.sub(1, fr)),
      tf.mul(tf.gather(x, tf.tensor1d(rows.i1, "int32"), 1), fr),
    );
    const fc = tf.tensor4d(cols.frac, [1, 1, outW, 1]);
    return tf.add(
      tf.mul(tf.gather(byRow, tf.tensor1d(cols.i0, "int32"), 2), tf.sub(1, fc)),
      tf.mul(tf.gather(byRow, tf.tensor1d(cols.i1, "int32"), 2), fc),
    ) as tf.Tensor4D;
  });
}

/** One axis's taps as a matrix, [out, cells], or [cells, out] when `transposed`. */
function interpolationWeights(
  out: number,
  cells: number,
  mode: UpsampleMode,
  stride: number,
  transposed: boolean,
): Float32Array {
  const { i0, i1, frac } = axisTaps(out, cells, mode, stride);
  const a = new Float32Array(out * cells);
  const at = (p: number, cell: number) => transposed ? cell * out + p : p * cells + cell;
  for (let p = 0; p < out; p++) {
    a[at(p, i0[p])] += 1 - frac[p];
    a[at(p, i1[p])] += frac[p];
  }
  return a;
}

/**
 * The same resize as {@link resizeExact} for one-channel maps [N,h,w,1], as
 * two matrix products with the interpolation matrices. The wasm backend's
 * gathers took 26 ms of a 444 ms default training step; the products take
 * about 1. Float rounding may differ from `resizeExact` in the last bit, so
 * inference, which the ONNX export must repeat, keeps the gathers.
 */
export function resizeByProducts(
  m: tf.Tensor4D,
  size: [number, number],
  mode: UpsampleMode = "align-corners",
  stride = 32,
): tf.Tensor4D {
  const [n, h, w, c] = m.shape;
  if (c !== 1) throw new Error(`resizeByProducts resizes one-channel maps, got ${c} channels`);
  const [outH, outW] = size;
  const rows = interpolationWeights(outH, h, mode, stride, false);
  const colsT = interpolationWeights(outW, w, mode, stride, true);
  return tf.tidy(() => {
    const byRow = tf.matMul(tf.tensor3d(rows, [1, outH, h]), tf.reshape(m, [n, h, w]));
    return tf.reshape(tf.matMul(byRow, tf.tensor3d(colsT, [1, w, outW])), [n, outH, outW, 1]);
  });
}

/**
 * Upsamples [N,h,w,1] maps to [N,H,W,1]. No gradient is needed (M+ is
 * detached). `training` takes the faster {@link resizeByProducts}.
 *
 * @param m the maps [N,h,w,1].
 * @param size the output's height and width.
 * @param mode the sampling geometry.
 * @param stride the maps' stride (for `stride-grid`).
 * @param training take the faster matrix products.
 * @returns the maps [N,H,W,1].
 */
export function upsampleMap(
  m: tf.Tensor4D,
  size: [number, number],
  mode: UpsampleMode,
  stride = 32,
  training = false,
): tf.Tensor4D {
  return training ? resizeByProducts(m, size, mode, stride) : resizeExact(m, size, mode, stride);
}
