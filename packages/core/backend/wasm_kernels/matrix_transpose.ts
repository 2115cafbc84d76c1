/**
 * A cache-blocked matrix transpose between two float arrays, for kernels that
 * re-lay data on the wasm heap in JavaScript: the backend's own Transpose and
 * Reverse were slower than the products they prepared.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { transposeMatrix } from "./matrix_transpose.ts";
 * const out = new Float32Array(6);
 * transposeMatrix(new Float32Array([1, 2, 3, 4, 5, 6]), 0, 2, 3, out, 0);
 * assert.deepEqual(Array.from(out), [1, 4, 2, 5, 3, 6]);
 * ```
 * @module
 */

const BLOCK = 32;

/** dst[dstOff + j * rows + i] = src[srcOff + i * cols + j] for a rows x cols matrix. */
export function transposeMatrix(
  src: Float32Array,
  srcOff: number,
  rows: number,
  cols: number,
  dst: Float32Array,
  dstOff: number,
): void {
  for (let i0 = 0; i0 < rows; i0 += BLOCK) {
    const i1 = Math.min(rows, i0 + BLOCK);
    for (let j0 = 0; j0 < cols; j0 += BLOCK) {
      const j1 = Math.min(cols, j0 + BLOCK);
      for (let i = i0; i < i1; i++) {
        let s = srcOff + i * cols + j0;
        let d = dstOff + j0 * rows + i;
        for (let j = j0; j < j1; j++, s++, d += rows) dst[d] = src[s];
      }
    }
  }
}
