/**
 * Weight initialisers of the reference implementation: backbone convolutions
 * N(0, sqrt(2 / (k*k*out))), and PyTorch's default Conv2d init
 * (kaiming-uniform with a = sqrt(5), i.e. U(+-1/sqrt(fan_in)) for weight and
 * bias) for the WILDCAT heads.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Rng } from "../util/rng.ts";
 * import { convNormal } from "./init.ts";
 * const w = convNormal([3, 3, 16, 32], new Rng(0));
 * const v = Array.from(w.dataSync());
 * const std = Math.sqrt(v.reduce((a, x) => a + x * x, 0) / v.length);
 * assert.ok(Math.abs(std - Math.sqrt(2 / (3 * 3 * 32))) < 0.01); // N(0, sqrt(2 / (k k out)))
 * w.dispose();
 * ```
 * @module
 */
import { tf } from "../backend/tf.ts";
import type { Rng } from "../util/rng.ts";

/** N(0, sqrt(2 / (kh*kw*out))) for an HWIO filter. */
export function convNormal(shape: [number, number, number, number], rng: Rng): tf.Tensor4D {
  const [kh, kw, , out] = shape;
  const std = Math.sqrt(2 / (kh * kw * out));
  const n = shape.reduce((a, b) => a * b, 1);
  const data = new Float32Array(n);
  for (let i = 0; i < n; i++) data[i] = rng.normal() * std;
  return tf.tensor4d(data, shape);
}

/** U(-bound, bound) with bound = 1/sqrt(fanIn). */
export function uniformFanIn(shape: number[], fanIn: number, rng: Rng): tf.Tensor {
  const bound = 1 / Math.sqrt(fanIn);
  const n = shape.reduce((a, b) => a * b, 1);
  const data = new Float32Array(n);
  for (let i = 0; i < n; i++) data[i] = rng.uniform(-bound, bound);
  return tf.tensor(data, shape);
}
