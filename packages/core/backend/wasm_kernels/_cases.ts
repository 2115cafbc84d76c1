import { tf } from "../tf.ts";

// Convolution shapes shared by the wasm kernel parity tests: strides 1, 2 and
// 3, filters 1/2/3/7, non-square inputs, numeric, 'same' and 'valid' padding.
export interface ConvCase {
  x: [number, number, number, number];
  k: number;
  s: number;
  pad: number | "same" | "valid";
  o: number;
}

export const CONV_CASES: ConvCase[] = [
  { x: [2, 9, 7, 3], k: 3, s: 1, pad: 1, o: 4 },
  { x: [2, 9, 7, 3], k: 3, s: 2, pad: 1, o: 4 },
  { x: [2, 10, 12, 3], k: 3, s: 2, pad: 1, o: 5 },
  { x: [1, 11, 8, 2], k: 7, s: 2, pad: 3, o: 5 },
  { x: [1, 13, 12, 3], k: 7, s: 1, pad: 3, o: 2 },
  { x: [3, 6, 10, 4], k: 1, s: 1, pad: 0, o: 3 },
  { x: [2, 7, 5, 3], k: 1, s: 2, pad: 0, o: 2 },
  { x: [2, 8, 6, 3], k: 3, s: 2, pad: "same", o: 4 },
  { x: [1, 10, 9, 2], k: 3, s: 1, pad: "valid", o: 3 },
  { x: [2, 15, 9, 2], k: 7, s: 2, pad: "valid", o: 3 },
  // Phases that get no taps or no rows: even filters, stride 3, stride above the filter.
  { x: [1, 5, 6, 2], k: 2, s: 2, pad: 0, o: 3 },
  { x: [2, 11, 10, 3], k: 3, s: 3, pad: 1, o: 2 },
  { x: [1, 4, 5, 2], k: 1, s: 3, pad: 0, o: 2 },
  // Maps over 8x8 (input gradient by convolution) and dy with 32 channels or
  // more (filter gradient by columns); a test checks that every path is hit.
  { x: [1, 12, 10, 3], k: 3, s: 1, pad: 1, o: 4 },
  { x: [1, 12, 11, 2], k: 3, s: 1, pad: "valid", o: 3 },
  { x: [2, 9, 8, 3], k: 3, s: 1, pad: "same", o: 32 },
  { x: [2, 9, 7, 3], k: 3, s: 1, pad: 1, o: 32 },
  { x: [2, 10, 12, 3], k: 3, s: 2, pad: 1, o: 33 },
  { x: [1, 11, 8, 2], k: 7, s: 2, pad: 3, o: 32 },
  { x: [2, 7, 5, 3], k: 1, s: 2, pad: 0, o: 32 },
  { x: [2, 15, 9, 2], k: 7, s: 2, pad: "valid", o: 32 },
  { x: [2, 11, 10, 3], k: 3, s: 3, pad: 1, o: 32 },
  { x: [1, 13, 12, 3], k: 7, s: 1, pad: 3, o: 32 },
  // A filter wider and taller than the image, and stride 2 over a wide row.
  { x: [1, 4, 3, 2], k: 7, s: 1, pad: 3, o: 32 },
  { x: [2, 5, 23, 3], k: 3, s: 2, pad: 1, o: 32 },
];

/** The tfjs geometry of a case, for the kernels' path choices. */
export function convInfo(c: ConvCase): tf.backend_util.Conv2DInfo {
  return tf.backend_util.computeConv2DInfo(c.x, [c.k, c.k, c.x[3], c.o], c.s, 1, c.pad);
}

export function outSize(n: number, c: ConvCase): number {
  if (c.pad === "same") return Math.ceil(n / c.s);
  const p = c.pad === "valid" ? 0 : c.pad;
  return Math.floor((n + 2 * p - c.k) / c.s) + 1;
}

// Dilated stride-1 convolutions (DeepLab-style output strides 16 and 8):
// dilations 2 to 4, padding d ('same' size for 3x3), 0, 'same' and 'valid',
// maps larger and smaller than the dilated filter, and dy with 32 channels.
export interface DilatedCase {
  x: [number, number, number, number];
  k: number;
  d: number;
  pad: number | "same" | "valid";
  o: number;
}

export const DILATED_CASES: DilatedCase[] = [
  { x: [2, 9, 7, 3], k: 3, d: 2, pad: 2, o: 4 },
  { x: [1, 12, 10, 3], k: 3, d: 2, pad: 2, o: 32 },
  { x: [2, 8, 11, 2], k: 3, d: 4, pad: 4, o: 5 },
  { x: [1, 5, 4, 3], k: 3, d: 4, pad: 4, o: 3 },
  { x: [2, 10, 9, 2], k: 3, d: 3, pad: 0, o: 3 },
  { x: [1, 9, 12, 3], k: 3, d: 2, pad: "same", o: 4 },
  { x: [2, 11, 8, 2], k: 3, d: 2, pad: "valid", o: 33 },
  { x: [1, 13, 9, 2], k: 2, d: 3, pad: 1, o: 3 },
];

/** The tfjs geometry of a dilated case. */
export function dilatedInfo(c: DilatedCase): tf.backend_util.Conv2DInfo {
  return tf.backend_util.computeConv2DInfo(c.x, [c.k, c.k, c.x[3], c.o], 1, c.d, c.pad);
}

/** A max-pool case: input shape, window, stride, padding and a shift of the values. */
export interface PoolCase {
  x: [number, number, number, number];
  k: number;
  s: number;
  pad: number | "same" | "valid";
  shift: number;
}

/** Max-pool cases of the MaxPoolGrad kernels' tests (wasm and webgpu). */
export const POOL_CASES: PoolCase[] = [
  { x: [2, 9, 7, 3], k: 3, s: 2, pad: 1, shift: 0 },
  { x: [2, 9, 7, 3], k: 3, s: 2, pad: 1, shift: -10 }, // every window's max < 0
  { x: [1, 8, 11, 2], k: 2, s: 2, pad: "valid", shift: -3 },
  { x: [1, 10, 6, 4], k: 3, s: 1, pad: "same", shift: 0 },
  { x: [3, 5, 5, 1], k: 3, s: 2, pad: 0, shift: -0.5 },
];
