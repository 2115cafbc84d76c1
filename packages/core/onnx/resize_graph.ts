/**
 * The bilinear resizes of the exported graph, built from Gather and arithmetic rather than ONNX
 * Resize: they gather and blend the same taps, with the same integer arithmetic, as the
 * TensorFlow.js model (`samplePosition` in upsample.ts), so the two agree to float rounding.
 *
 * @example
 * ```ts ignore
 * const m = resizeGraph(g, mLow, { from: hw(g, mLow), to: hw(g, padded) }, "align-corners", 32, "m_pos");
 * ```
 * @module
 */
import type { UpsampleMode } from "../config/options.ts";
import { type GraphBuilder, onnx } from "./graph_builder.ts";

/** One axis's taps: the two source cells and the weight of the second. */
interface Taps {
  i0: string;
  i1: string;
  frac: string;
}

/**
 * The taps of one axis, built in the graph with the same integer arithmetic
 * as `samplePosition` in upsample.ts: cell = floor(p (in-1) / (out-1)) and
 * frac = ((p (in-1)) mod (out-1)) / (out-1) for align_corners; p // s and
 * (p mod s) / s for the stride grid of the output stride s; past the last
 * cell, that cell.
 */
function taps(
  g: GraphBuilder,
  outLen: string,
  inLen: string,
  mode: UpsampleMode,
  outputStride: number,
): Taps {
  const float = onnx.TensorProto.DataType.FLOAT;
  const p = g.op("Range", [
    g.int64("zero_s", [0], []),
    g.op("Squeeze", [outLen, g.int64("axis0", [0])]),
    g.int64("one_s", [1], []),
  ]);
  const last = g.op("Sub", [inLen, g.int64("one", [1])]);
  let q: string, rem: string, den: string;
  if (mode === "align-corners") {
    den = g.op("Max", [g.op("Sub", [outLen, g.int64("one", [1])]), g.int64("one", [1])]);
    const num = g.op("Mul", [p, last]);
    q = g.op("Div", [num, den]);
    rem = g.op("Mod", [num, den]);
  } else {
    den = g.int64("output_stride", [outputStride]);
    q = g.op("Div", [p, den]);
    rem = g.op("Mod", [p, den]);
  }
  const frac = g.op("Div", [
    g.op("Cast", [rem], { to: { i: float } }),
    g.op("Cast", [den], { to: { i: float } }),
  ]);
  const beyond = g.op("GreaterOrEqual", [q, last]);
  const i0 = g.op("Min", [q, last]);
  return {
    i0,
    i1: g.op("Min", [g.op("Add", [i0, g.int64("one", [1])]), last]),
    frac: g.op("Where", [beyond, g.float("zero_f", Float32Array.of(0), []), frac]),
  };
}

/** (1 - f) x[i0] + f x[i1] along `axis` of an NCHW value; `fShape` broadcasts f. */
function blend(g: GraphBuilder, x: string, t: Taps, axis: number, fShape: number[]): string {
  const f = g.op("Reshape", [t.frac, g.int64("frac_shape", fShape)]);
  const a = g.op("Mul", [
    g.op("Gather", [x, t.i0], { axis: { i: axis } }),
    g.op("Sub", [g.float("one_f", Float32Array.of(1), []), f]),
  ]);
  const b = g.op("Mul", [g.op("Gather", [x, t.i1], { axis: { i: axis } }), f]);
  return g.op("Add", [a, b]);
}

/**
 * Bilinear resize of an NCHW value from size `size.from` to `size.to` (int64 [2] each).
 *
 * @returns the resized value, named after `hint`.
 */
export function resizeGraph(
  g: GraphBuilder,
  x: string,
  size: { from: string; to: string },
  mode: UpsampleMode,
  outputStride: number,
  hint: string,
): string {
  const pick = (v: string, i: number) => g.op("Gather", [v, g.int64(`at${i}`, [i])]);
  const axis = (i: number) => taps(g, pick(size.to, i), pick(size.from, i), mode, outputStride);
  const rows = blend(g, x, axis(0), 2, [-1, 1]);
  const out = blend(g, rows, axis(1), 3, [-1]);
  return g.op("Identity", [out], {}, hint);
}

/** Spatial size [h, w] of a 4-D value, as int64 [2]. */
export function hw(g: GraphBuilder, x: string): string {
  return g.op("Shape", [x], { start: { i: 2 }, end: { i: 4 } });
}
