/**
 * Convolution filter layouts: PyTorch stores OIHW (out, in, height, width),
 * tfjs uses HWIO. Only 4-D tensors are filters; others pass unchanged.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { hwioToOihw, oihwToHwio } from "./layout.ts";
 * const oihw = { shape: [2, 1, 1, 3], data: Float32Array.of(1, 2, 3, 4, 5, 6) };
 * const hwio = oihwToHwio(oihw);
 * assert.deepEqual(hwio.shape, [1, 3, 1, 2]);
 * assert.deepEqual(hwioToOihw(hwio), oihw);
 * ```
 * @module
 */
import type { NamedArray } from "../util/named_array.ts";

function permute4(t: NamedArray, perm: [number, number, number, number]): NamedArray {
  if (t.shape.length !== 4) return t;
  const shape = perm.map((p) => t.shape[p]);
  const src = t.shape;
  const strides = [src[1] * src[2] * src[3], src[2] * src[3], src[3], 1];
  const out = new Float32Array(t.data.length);
  const [d0, d1, d2, d3] = shape;
  const s = perm.map((p) => strides[p]);
  let i = 0;
  for (let a = 0; a < d0; a++) {
    for (let b = 0; b < d1; b++) {
      for (let c = 0; c < d2; c++) {
        let j = a * s[0] + b * s[1] + c * s[2];
        for (let d = 0; d < d3; d++, j += s[3]) out[i++] = t.data[j];
      }
    }
  }
  return { shape, data: out };
}

/**
 * PyTorch OIHW filter to tfjs HWIO.
 *
 * @param t a tensor; only 4-D ones are re-laid.
 * @returns the tensor in tfjs's layout.
 */
export function oihwToHwio(t: NamedArray): NamedArray {
  return permute4(t, [2, 3, 1, 0]);
}

/**
 * tfjs HWIO filter to PyTorch OIHW.
 *
 * @param t a tensor; only 4-D ones are re-laid.
 * @returns the tensor in PyTorch's layout.
 */
export function hwioToOihw(t: NamedArray): NamedArray {
  return permute4(t, [3, 2, 0, 1]);
}
