/**
 * Training augmentation, in the reference's order: reflect padding by a
 * fraction of each side, a random crop, horizontal and vertical flips, colour
 * jitter, then the model's normalisation (the reference's maps to [-1, 1]).
 *
 * Deliberate difference: when the padded image is still smaller than the
 * crop, it is reflect-padded up to the crop size instead of failing.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Rng } from "../util/rng.ts";
 * import { augment } from "./augment.ts";
 * const image = { width: 40, height: 30, data: new Uint8Array(40 * 30 * 3).fill(255) };
 * const crop = 32;
 * const out = new Float32Array(crop * crop * 3);
 * augment(image, { crop, padFraction: 0.5, hflip: 0.5, vflip: 0.5, brightness: 0, contrast: 0,
 *   saturation: 0, hue: 0 }, new Rng(0), out);
 * assert.ok(out.every((v) => v === 1)); // white, normalised to [-1, 1]
 * ```
 * @module
 */
import type { Rng } from "../util/rng.ts";
import { colorJitter, type JitterOptions } from "./color_jitter.ts";
import type { RgbImage } from "./image.ts";
import { NORMALIZATION, type Normalization, normalizeInto } from "./normalize.ts";
import { reflectIndex } from "./padding.ts";

/** Augmentation settings. */
export interface AugmentOptions extends JitterOptions {
  /** Side of the square random crop. */
  crop: number;
  /** Reflect padding on each side, as a fraction of the width/height. */
  padFraction: number;
  /** Probability of a horizontal flip. */
  hflip: number;
  /** Probability of a vertical flip. */
  vflip: number;
}

/**
 * Crops, flips and jitters one image into `out` (crop*crop*3 floats at `offset`).
 *
 * @param img the training image.
 * @param o crop, padding, flips and jitter.
 * @param rng the source of every random choice.
 * @param out where the crop goes, normalised, HWC.
 * @param offset the first index of `out` written.
 * @param normalization the model's normalisation.
 */
export function augment(
  img: RgbImage,
  o: AugmentOptions,
  rng: Rng,
  out: Float32Array,
  offset = 0,
  normalization: Normalization = NORMALIZATION,
): void {
  const { width: w, height: h, data } = img;
  const c = o.crop;
  const pw = Math.trunc(o.padFraction * w);
  const ph = Math.trunc(o.padFraction * h);
  // Extra reflection when the padded image is still smaller than the crop.
  const ew = Math.max(0, c - (w + 2 * pw));
  const eh = Math.max(0, c - (h + 2 * ph));
  const padW = w + 2 * pw + ew;
  const padH = h + 2 * ph + eh;
  const top = rng.int(padH - c + 1);
  const left = rng.int(padW - c + 1);
  const flipH = rng.next() < o.hflip;
  const flipV = rng.next() < o.vflip;
  const px = new Uint8Array(c * c * 3);
  const offY = top - ph - Math.floor(eh / 2);
  const offX = left - pw - Math.floor(ew / 2);
  const cols = new Int32Array(c);
  for (let x = 0; x < c; x++) cols[x] = reflectIndex((flipH ? c - 1 - x : x) + offX, w) * 3;
  for (let y = 0; y < c; y++) {
    const sy = reflectIndex((flipV ? c - 1 - y : y) + offY, h);
    const row = sy * w * 3;
    for (let x = 0; x < c; x++) {
      const s = row + cols[x];
      const d = (y * c + x) * 3;
      px[d] = data[s];
      px[d + 1] = data[s + 1];
      px[d + 2] = data[s + 2];
    }
  }
  colorJitter(px, o, rng);
  normalizeInto(px, normalization, out, offset);
}
