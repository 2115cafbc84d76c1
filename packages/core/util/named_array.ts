/**
 * A named tensor as plain data: what checkpoints, weight files and ONNX
 * export exchange, without a tensor library.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { NamedArray } from "./named_array.ts";
 * const bias: NamedArray = { shape: [2], data: Float32Array.of(0.1, -0.2) };
 * assert.equal(bias.data.length, bias.shape.reduce((a, b) => a * b, 1));
 * ```
 * @module
 */

/** A tensor's shape and float32 values, row-major. */
export interface NamedArray {
  shape: number[];
  data: Float32Array;
}
