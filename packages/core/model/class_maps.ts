/**
 * The localizer's class maps and the image-level steps that turn them into
 * the model's map, on plain arrays (no tensor library):
 *
 * 1. WILDCAT scores: per class, the mean of the top-k cells, k from kmax and
 *    the number of cells (`top_k.ts`; dropout is off at inference);
 * 2. class weights p = softmax(scores), the localizer's own posterior;
 * 3. M+ = sum_c p_c map_c at the map grid;
 * 4. bilinear upsampling to the input's pixels (`upsample_taps.ts`), rows
 *    then columns, as the network does;
 * 5. min and max over the whole input, then R+ = sigmoid(w (M~ - sigma))
 *    for min-max models, or (M - min) / (max - min) for the WILDCAT baseline.
 *
 * The network computes the same steps with TensorFlow.js (`minmax_net.ts`,
 * `baseline_net.ts`), with the same k, taps and constants taken from these
 * modules; the tests hold the two to float rounding. Whole-slide inference
 * uses these functions on the class maps stitched from its tiles, so that
 * steps 1 and 5, which see the whole input, see the whole slide.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { type ClassMaps, imageMap } from "./class_maps.ts";
 * const cm: ClassMaps = {
 *   maps: Float32Array.of(0, 1, 2, 3, 3, 2, 1, 0), // two classes, 2x2 cells
 *   classes: 2, height: 2, width: 2, stride: 32, inputHeight: 64, inputWidth: 64,
 *   head: { kmax: 0.25, upsample: "align-corners", output: { kind: "normalized" } },
 * };
 * const { map, scores } = imageMap(cm);
 * assert.deepEqual(scores, [3, 3]); // k = round(0.25 * 4) = 1: each class's top cell
 * assert.equal(map.length, 64 * 64);
 * ```
 * @module
 */
import type { UpsampleMode } from "../config/options.ts";
import { topK, topKMean } from "../nn/top_k.ts";
import { softmax } from "../util/softmax.ts";
import { axisTaps, lerp32 } from "./upsample_taps.ts";

/** How the upsampled M+ becomes the model's map in [0, 1]. */
export type MapOutput =
  /** Min-max entropy's R+ = sigmoid(w (M~ - sigma)), M~ min-max normalised. */
  | { kind: "pseudo-binary"; w: number; sigma: number }
  /** The WILDCAT baseline's map: M+ min-max normalised (0 where M+ is constant). */
  | { kind: "normalized" };

/** What turns a model's class maps into its map. */
export interface MapHead {
  /** WILDCAT's kmax: a fraction of the cells, or a count (see `topK`). */
  kmax: number;
  /** How M+ is upsampled to the input. */
  upsample: UpsampleMode;
  output: MapOutput;
}

/**
 * The localizer head's class maps of one input, before any image-level
 * operation: WILDCAT's class-wise pooled maps at the backbone's output
 * stride, un-normalised.
 */
export interface ClassMaps {
  /** Class-major values: class c, cell (y, x) at `c * height * width + y * width + x`. */
  maps: Float32Array;
  classes: number;
  /** Cells down and across. */
  height: number;
  width: number;
  /** Input pixels per cell. */
  stride: number;
  /**
   * The input the maps were computed on, in pixels: the image reflect-padded
   * to multiples of 32 (`padForInference`), so `height * stride` here.
   */
  inputHeight: number;
  inputWidth: number;
  /** How the model turns them into its map. */
  head: MapHead;
}

/** The least range of M+ that R+ divides by (a constant map gives M~ = 0, not NaN). */
export const MASK_RANGE_FLOOR = 1e-12;

/**
 * WILDCAT scores of class maps: per class, the mean of its top-k cells. With
 * `counted`, only cells marked 1 there take part, and k comes from their
 * number (a slide's cells that no tile computed).
 *
 * @returns the scores, and k (0 when no cell counts: the scores are then NaN).
 */
export function wildcatScores(
  cm: Pick<ClassMaps, "maps" | "classes" | "height" | "width">,
  kmax: number,
  counted?: Uint8Array,
): { scores: number[]; k: number } {
  const cells = cm.height * cm.width;
  let n = cells;
  if (counted) n = counted.reduce((a, b) => a + b, 0);
  if (n === 0) return { scores: new Array(cm.classes).fill(NaN), k: 0 };
  const k = topK(kmax, n);
  const scores: number[] = [];
  for (let c = 0; c < cm.classes; c++) {
    let plane = cm.maps.subarray(c * cells, (c + 1) * cells);
    if (counted && n < cells) {
      const kept = new Float32Array(n);
      for (let i = 0, j = 0; i < cells; i++) if (counted[i]) kept[j++] = plane[i];
      plane = kept;
    }
    scores.push(Math.fround(topKMean(plane, k)));
  }
  return { scores, k };
}

/** The class weights of M+: the softmax of the scores (the localizer's posterior). */
export function classWeights(scores: ArrayLike<number>): number[] {
  return softmax(scores);
}

/**
 * M+ at the map grid: sum_c weights_c map_c, in float32 with the classes
 * summed in order (as the network's reduction over its class axis).
 */
export function weightedMap(
  cm: Pick<ClassMaps, "maps" | "classes" | "height" | "width">,
  weights: ArrayLike<number>,
): Float32Array {
  const cells = cm.height * cm.width;
  const out = new Float32Array(cells);
  const fr = Math.fround;
  for (let c = 0; c < cm.classes; c++) {
    const p = fr(weights[c]);
    const plane = cm.maps.subarray(c * cells, (c + 1) * cells);
    for (let i = 0; i < cells; i++) out[i] = fr(out[i] + fr(plane[i] * p));
  }
  return out;
}

/** The taps of the rows and columns of an upsampling to the input, for `cm`'s geometry. */
export function inputTaps(
  cm: Pick<ClassMaps, "height" | "width" | "stride" | "inputHeight" | "inputWidth" | "head">,
): { rows: ReturnType<typeof axisTaps>; cols: ReturnType<typeof axisTaps> } {
  const mode = cm.head.upsample;
  return {
    rows: axisTaps(cm.inputHeight, cm.height, mode, cm.stride),
    cols: axisTaps(cm.inputWidth, cm.width, mode, cm.stride),
  };
}

/** One output row at the cells' columns: (1 - f) m[i0] + f m[i1], row i of a `width`-wide map. */
export function blendRows(
  m: Float32Array,
  width: number,
  i0: number,
  i1: number,
  f: number,
  out: Float32Array,
): void {
  const a = i0 * width, b = i1 * width;
  for (let x = 0; x < width; x++) out[x] = lerp32(m[a + x], m[b + x], f);
}

/** Output pixels [from, to) of a row from its values at the cells' columns. */
export function blendColumns(
  row: Float32Array,
  cols: { i0: Int32Array; i1: Int32Array; frac: Float32Array },
  out: Float32Array,
  from = 0,
  to: number = cols.i0.length,
): void {
  for (let p = from; p < to; p++) {
    out[p - from] = lerp32(row[cols.i0[p]], row[cols.i1[p]], cols.frac[p]);
  }
}

/**
 * The map value of an upsampled M+ value `v`, given the min and max of the
 * upsampled M+ over the whole input, rounded to float32 after each
 * operation as the network computes it.
 */
export function mapValueFn(lo: number, hi: number, output: MapOutput): (v: number) => number {
  const fr = Math.fround;
  const range = fr(hi - lo);
  if (output.kind === "normalized") {
    // normalizeMap: a constant map marks nothing.
    return range > 0 ? (v) => fr(fr(v - lo) / range) : () => 0;
  }
  const r = Math.max(range, fr(MASK_RANGE_FLOOR));
  const sigma = fr(output.sigma), w = fr(output.w);
  return (v) => {
    const x = fr(fr(fr(fr(v - lo) / r) - sigma) * w);
    return fr(1 / (1 + Math.exp(-x)));
  };
}

/**
 * The whole image-level computation of one input: scores, weights, M+
 * upsampled to the input, its min and max, and the map. The map covers the
 * padded input (`inputHeight` x `inputWidth`); crop it back as `predict`
 * does (`cropBack`).
 */
export function imageMap(cm: ClassMaps): {
  map: Float32Array;
  scores: number[];
  weights: number[];
  lo: number;
  hi: number;
} {
  const { scores } = wildcatScores(cm, cm.head.kmax);
  const weights = classWeights(scores);
  const m = weightedMap(cm, weights);
  const { rows, cols } = inputTaps(cm);
  const H = cm.inputHeight, W = cm.inputWidth;
  const up = new Float32Array(H * W);
  const row = new Float32Array(cm.width);
  let lo = Infinity, hi = -Infinity;
  for (let y = 0; y < H; y++) {
    blendRows(m, cm.width, rows.i0[y], rows.i1[y], rows.frac[y], row);
    const out = up.subarray(y * W, (y + 1) * W);
    blendColumns(row, cols, out);
    for (let x = 0; x < W; x++) lo = Math.min(lo, out[x]), hi = Math.max(hi, out[x]);
  }
  const value = mapValueFn(lo, hi, cm.head.output);
  for (let i = 0; i < up.length; i++) up[i] = value(up[i]);
  return { map: up, scores, weights, lo, hi };
}

/** The settings a config gives (a subset of `Config`). */
export interface MapHeadSettings {
  method: string;
  kmax: number;
  maskUpsample: UpsampleMode;
  maskW: number;
  maskSigma: number;
}

/**
 * How a model of this config turns class maps into its map, or null when
 * its map is not made from WILDCAT class maps (CAM, Grad-CAM and deep MIL
 * read their maps differently).
 */
export function mapHeadOf(c: MapHeadSettings): MapHead | null {
  if (c.method === "minmax") {
    return {
      kmax: c.kmax,
      upsample: c.maskUpsample,
      output: { kind: "pseudo-binary", w: c.maskW, sigma: c.maskSigma },
    };
  }
  if (c.method === "wildcat") {
    return { kmax: c.kmax, upsample: c.maskUpsample, output: { kind: "normalized" } };
  }
  return null;
}
