/**
 * Bilinear upsampling of a low-resolution map to the input size, as two
 * small interpolation matrices (out = A_h · map · A_wᵀ), in one of two
 * geometries:
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
 * import { interpolationMatrix } from "./upsample.ts";
 * interpolationMatrix(4, 2, "align-corners"); // rows for pixels 0..3 over cells 0..1
 * ```
 * @module
 */
import { tf } from "../runtime/tf.ts";

/** Upsampling geometries. */
export const UPSAMPLE_MODES = ["align-corners", "stride-grid"] as const;
/** An upsampling geometry. */
export type UpsampleMode = typeof UPSAMPLE_MODES[number];

/** The [out x cells] bilinear weights of one axis. */
export function interpolationMatrix(
  out: number,
  cells: number,
  mode: UpsampleMode,
  stride = 32,
): Float32Array {
  const a = new Float32Array(out * cells);
  for (let p = 0; p < out; p++) {
    let u: number;
    if (mode === "align-corners") u = out > 1 ? (p * (cells - 1)) / (out - 1) : 0;
    else if (mode === "stride-grid") u = Math.min(p / stride, cells - 1);
    else throw new Error(`unknown upsampling mode '${mode}'`);
    const i0 = Math.min(Math.floor(u), cells - 1);
    const i1 = Math.min(i0 + 1, cells - 1);
    const f = u - i0;
    a[p * cells + i0] += 1 - f;
    a[p * cells + i1] += f;
  }
  return a;
}

/** Upsamples [N,h,w,1] maps to [N,H,W,1]. No gradient is needed (M+ is detached). */
export function upsampleMap(
  m: tf.Tensor4D,
  size: [number, number],
  mode: UpsampleMode,
  stride = 32,
): tf.Tensor4D {
  const [n, h, w] = m.shape;
  const [outH, outW] = size;
  return tf.tidy(() => {
    const ah = tf.tensor2d(interpolationMatrix(outH, h, mode, stride), [outH, h]);
    const aw = tf.tensor2d(interpolationMatrix(outW, w, mode, stride), [outW, w]);
    const rows = tf.matMul(tf.reshape(m, [n * h, w]), aw, false, true); // [n*h, W]
    const cols = tf.transpose(tf.reshape(rows, [n, h, outW]), [0, 2, 1]); // [n, W, h]
    const out = tf.matMul(tf.reshape(cols, [n * outW, h]), ah, false, true); // [n*W, H]
    return tf.reshape(tf.transpose(tf.reshape(out, [n, outW, outH]), [0, 2, 1]), [
      n,
      outH,
      outW,
      1,
    ]);
  });
}
