/**
 * The sampling taps of bilinear upsampling, free of TensorFlow.js: for each
 * output pixel, two cells and a fraction, computed with exact integer
 * arithmetic, and the float32 blend (1 - f) x0 + f x1 that the network's
 * resize (`upsample.ts`), the ONNX export and whole-slide inference all
 * compute. Two geometries:
 * - `align-corners`: the reference's `align_corners=True`, which maps the
 *   first and last cells to the first and last pixels;
 * - `stride-grid`: each cell at the input pixel its features are centred on
 *   (cell i on pixel stride * i); pixels past the last cell take its value.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { axisTaps, lerp32 } from "./upsample_taps.ts";
 * const t = axisTaps(4, 2, "align-corners"); // pixels 0..3 over cells 0..1
 * assert.deepEqual([...t.i0], [0, 0, 0, 1]);
 * assert.equal(lerp32(1, 4, 0.5), 2.5);
 * ```
 * @module
 */
import type { UpsampleMode } from "../config/options.ts";

/**
 * Sampling position of output pixel `p` as an integer cell and a fraction,
 * computed with exact integer arithmetic (a float32 coordinate near 160 is
 * already off by 1e-5, which deep networks amplify).
 */
export function samplePosition(
  p: number,
  out: number,
  cells: number,
  mode: UpsampleMode,
  stride = 32,
): { cell: number; frac: number } {
  if (mode === "align-corners") {
    if (out <= 1 || cells <= 1) return { cell: 0, frac: 0 };
    const num = p * (cells - 1);
    const den = out - 1;
    const cell = Math.floor(num / den);
    return cell >= cells - 1 ? { cell: cells - 1, frac: 0 } : { cell, frac: (num % den) / den };
  }
  if (mode === "stride-grid") {
    const cell = Math.floor(p / stride);
    return cell >= cells - 1 ? { cell: cells - 1, frac: 0 } : { cell, frac: (p % stride) / stride };
  }
  throw new Error(`unknown upsampling mode '${mode}'`);
}

/** Cells and fractions of one axis: output p = (1 - f) x[i0] + f x[i1]. */
export function axisTaps(
  out: number,
  cells: number,
  mode: UpsampleMode,
  stride = 32,
): { i0: Int32Array; i1: Int32Array; frac: Float32Array } {
  const i0 = new Int32Array(out);
  const i1 = new Int32Array(out);
  const frac = new Float32Array(out);
  for (let p = 0; p < out; p++) {
    const s = samplePosition(p, out, cells, mode, stride);
    i0[p] = s.cell;
    i1[p] = Math.min(s.cell + 1, cells - 1);
    frac[p] = s.frac;
  }
  return { i0, i1, frac };
}

/**
 * (1 - f) x0 + f x1 rounded to float32 after every operation, as a float32
 * graph computes it (the network's `resizeExact`, the ONNX export): each
 * product and sum of float32 values, done in float64 and rounded once, is
 * the correctly rounded float32 result.
 */
export function lerp32(x0: number, x1: number, f: number): number {
  const fr = Math.fround;
  return fr(fr(x0 * fr(1 - f)) + fr(x1 * f));
}

/**
 * The output pixels where an upsampled map can reach its extremes along one
 * axis: the first and last pixel of each run of pixels between the same two
 * cells. Between two cells the value is linear in the fraction, which grows
 * along a run, so a run's extremes lie at its ends; in two dimensions the
 * map is bilinear on each cell rectangle, so its minimum and maximum over
 * every pixel are reached on these rows crossed with these columns. A slide
 * finds its map's range there without upsampling it whole.
 */
export function extremeSamples(taps: { i0: Int32Array }): Int32Array {
  const out: number[] = [];
  const n = taps.i0.length;
  for (let p = 0; p < n; p++) {
    const first = p === 0 || taps.i0[p - 1] !== taps.i0[p];
    const last = p === n - 1 || taps.i0[p + 1] !== taps.i0[p];
    if (first || last) out.push(p);
  }
  return Int32Array.from(out);
}
