/**
 * Input normalisation, the one place pixels become network inputs:
 * x = (v / 255 - mean) / std per channel, as torchvision's `Normalize`. Every
 * path uses the model's own {@link Normalization}: training, the TensorFlow.js
 * localizer, the ONNX runtime and the browser demo. The reference normalises
 * with mean and std 0.5 (to [-1, 1]).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { NORMALIZATION, normalizeInto } from "./normalize.ts";
 * const out = new Float32Array(3);
 * normalizeInto(Uint8Array.of(0, 255, 51), NORMALIZATION, out);
 * assert.deepEqual(Array.from(out), [-1, 1, -0.6000000238418579]); // float32 of -0.6
 * ```
 * @module
 */
import type { RgbImage } from "./image.ts";

/** Input normalisation: x = (pixel/255 - mean) / std per channel. */
export interface Normalization {
  mean: [number, number, number];
  std: [number, number, number];
}

/** The reference's normalisation, to [-1, 1]. */
export const NORMALIZATION: Normalization = { mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5] };

/**
 * Why `value` is not a usable normalisation (three finite means, three
 * finite positive standard deviations), or null when it is.
 *
 * @param value what a checkpoint or model says its normalisation is.
 * @returns the problem, or null.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { normalizationProblem } from "./normalize.ts";
 * assert.equal(normalizationProblem({ mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5] }), null);
 * assert.match(normalizationProblem({ mean: [0.5, 0.5, 0.5], std: [0.5, 0, 0.5] })!, /std/);
 * ```
 */
export function normalizationProblem(value: unknown): string | null {
  const n = value as Partial<Normalization> | null;
  if (n === null || typeof n !== "object") return "it is not an object with mean and std";
  const triple = (v: unknown) =>
    Array.isArray(v) && v.length === 3 && v.every((x) => typeof x === "number" && isFinite(x));
  if (!triple(n.mean)) return "mean must be three finite numbers";
  if (!triple(n.std) || !n.std!.every((s) => s > 1e-6 && s < 1e6)) {
    return "std must be three finite numbers above 0";
  }
  return null;
}

/** Per-channel factors of x = v * scale - shift. */
function factors(n: Normalization): { scale: number[]; shift: number[] } {
  return {
    scale: n.std.map((s) => 1 / (255 * s)),
    shift: n.mean.map((m, c) => m / n.std[c]),
  };
}

/**
 * The normalised value of every byte, per channel: `table[256 c + v]` is
 * what {@link normalizeInto} writes for value v of channel c (the same
 * float64 expression, rounded to float32 on the store).
 *
 * @param n the model's normalisation.
 * @returns 768 floats.
 */
export function normalizationTable(n: Normalization): Float32Array {
  const { scale, shift } = factors(n);
  return Float32Array.from({ length: 768 }, (_, i) => (i & 255) * scale[i >> 8] - shift[i >> 8]);
}

/**
 * Normalises interleaved 8-bit RGB values (HWC) into `out` at `offset`.
 *
 * @param px RGB bytes, three per pixel.
 * @param n the model's normalisation.
 * @param out where the floats go; `px.length` of them from `offset`.
 * @param offset the first index of `out` written.
 */
export function normalizeInto(
  px: Uint8Array,
  n: Normalization,
  out: Float32Array,
  offset = 0,
): void {
  const { scale, shift } = factors(n);
  for (let i = 0; i < px.length; i += 3) {
    out[offset + i] = px[i] * scale[0] - shift[0];
    out[offset + i + 1] = px[i + 1] * scale[1] - shift[1];
    out[offset + i + 2] = px[i + 2] * scale[2] - shift[2];
  }
}

/**
 * The image as a normalised channel-first (CHW) array, as ONNX models take it.
 *
 * @param image the RGB image.
 * @param n the model's normalisation.
 * @returns 3 x height x width floats.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { NORMALIZATION, normalizeChw } from "./normalize.ts";
 * const x = normalizeChw({ width: 2, height: 1, data: Uint8Array.of(0, 0, 0, 255, 255, 255) },
 *   NORMALIZATION);
 * assert.deepEqual(Array.from(x), [-1, 1, -1, 1, -1, 1]);
 * ```
 */
export function normalizeChw(image: RgbImage, n: Normalization): Float32Array {
  const { width: w, height: h, data } = image;
  const count = w * h;
  const x = new Float32Array(3 * count);
  const { scale, shift } = factors(n);
  for (let c = 0; c < 3; c++) {
    const s = scale[c];
    const t = shift[c];
    const base = c * count;
    for (let i = 0; i < count; i++) x[base + i] = data[3 * i + c] * s - t;
  }
  return x;
}
