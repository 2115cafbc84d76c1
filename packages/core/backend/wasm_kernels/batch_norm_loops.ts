/**
 * The JavaScript loops of the fused train-mode batch norm over NHWC data of
 * `c` channels, sums in float64 (the WASM-SIMD twins are in simd/kernels.c).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { batchNormForwardLoop } from "./batch_norm_loops.ts";
 * // One channel, two values: mean 2, biased variance 1.
 * const [y, mean, variance, invStd] = [2, 1, 1, 1].map((n) => new Float32Array(n));
 * batchNormForwardLoop(Float32Array.of(1, 3), Float32Array.of(1), Float32Array.of(0), 0, 1, y,
 *   mean, variance, invStd);
 * assert.deepEqual([...y, ...mean, ...variance, ...invStd], [-1, 1, 2, 1, 1]);
 * ```
 * @module
 */

/** y, the batch mean, the biased variance and 1 / sqrt(variance + eps). */
export function batchNormForwardLoop(
  xs: Float32Array,
  g: Float32Array,
  b: Float32Array,
  eps: number,
  c: number,
  y: Float32Array,
  meanOut: Float32Array,
  varOut: Float32Array,
  invOut: Float32Array,
): void {
  const n = xs.length / c;
  const sum = new Float64Array(c);
  for (let i = 0; i < xs.length; i += c) {
    for (let k = 0; k < c; k++) sum[k] += xs[i + k];
  }
  const mean = sum.map((s) => s / n);
  const sq = new Float64Array(c);
  for (let i = 0; i < xs.length; i += c) {
    for (let k = 0; k < c; k++) {
      const d = xs[i + k] - mean[k];
      sq[k] += d * d;
    }
  }
  const scale = new Float64Array(c);
  const shift = new Float64Array(c);
  for (let k = 0; k < c; k++) {
    const variance = sq[k] / n;
    const inv = 1 / Math.sqrt(variance + eps);
    meanOut[k] = mean[k];
    varOut[k] = variance;
    invOut[k] = inv;
    scale[k] = g[k] * inv;
    shift[k] = b[k] - mean[k] * scale[k];
  }
  for (let i = 0; i < xs.length; i += c) {
    for (let k = 0; k < c; k++) y[i + k] = xs[i + k] * scale[k] + shift[k];
  }
}

/** dx = gamma * invStd * (dy - mean(dy) - xhat * mean(dy * xhat)), dgamma and dbeta. */
export function batchNormBackwardLoop(
  d: Float32Array,
  xs: Float32Array,
  m: Float32Array,
  inv: Float32Array,
  g: Float32Array,
  c: number,
  dx: Float32Array,
  dGammaOut: Float32Array,
  dBetaOut: Float32Array,
): void {
  const n = xs.length / c;
  const dBeta = new Float64Array(c);
  const dGamma = new Float64Array(c);
  for (let i = 0; i < xs.length; i += c) {
    for (let k = 0; k < c; k++) {
      const v = d[i + k];
      dBeta[k] += v;
      dGamma[k] += v * (xs[i + k] - m[k]) * inv[k];
    }
  }
  // dx = a * dy + b * x + e per channel, the closed form expanded.
  const a = new Float64Array(c);
  const bx = new Float64Array(c);
  const e = new Float64Array(c);
  for (let k = 0; k < c; k++) {
    dGammaOut[k] = dGamma[k];
    dBetaOut[k] = dBeta[k];
    a[k] = g[k] * inv[k];
    bx[k] = -a[k] * inv[k] * dGamma[k] / n;
    e[k] = -a[k] * dBeta[k] / n - bx[k] * m[k];
  }
  for (let i = 0; i < xs.length; i += c) {
    for (let k = 0; k < c; k++) dx[i + k] = a[k] * d[i + k] + bx[k] * xs[i + k] + e[k];
  }
}
