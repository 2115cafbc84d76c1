/**
 * Inference geometry of the reference: an image is reflect-padded so both
 * sides are multiples of 32 (left = floor(d/2), right = d - floor(d/2),
 * d = 32 - s mod 32, nothing when s is already a multiple), and the mask is
 * cropped back with the reference's centre formula
 * `m[hp//2 - h//2 : hp//2 + h//2 + h%2]`, which is one pixel off the padding
 * when d is odd. That offset is kept for parity with the reference.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { cropStart, padAmounts } from "./padding.ts";
 * assert.deepEqual(padAmounts(775, 32), [12, 13]); // 775 + 25 = 800
 * assert.equal(cropStart(800, 775), 13); // one past the padding: the reference's formula
 * ```
 * @module
 */
import type { RgbImage } from "./image.ts";
import { type Normalization, normalizationTable } from "./normalize.ts";

/** numpy's 'reflect' index (edge not repeated), for any offset. */
export function reflectIndex(i: number, n: number): number {
  if (n === 1) return 0;
  const period = 2 * (n - 1);
  let m = i % period;
  if (m < 0) m += period;
  return m < n ? m : period - m;
}

/** Padding [before, after] that makes `s` a multiple of `m`. */
export function padAmounts(s: number, m = 32): [number, number] {
  if (s % m === 0) return [0, 0];
  const d = m - (s % m);
  return [Math.floor(d / 2), d - Math.floor(d / 2)];
}

/** Where the reference crops an `s`-long mask out of a `padded`-long one. */
export function cropStart(padded: number, s: number): number {
  return Math.floor(padded / 2) - Math.floor(s / 2);
}

/**
 * The image reflect-padded so both sides are multiples of `m`, with the
 * reference's amounts; numpy's reflection repeats as often as needed, so
 * images smaller than the padding (down to 1x1) are padded too.
 *
 * @example
 * ```ts
 * import { padImage } from "./padding.ts";
 * const p = padImage({ width: 2, height: 1, data: Uint8Array.of(1, 1, 1, 9, 9, 9) }, 4);
 * [p.width, p.height, p.data[0]]; // [4, 4, 9]
 * ```
 *
 * @param img the image.
 * @param m the multiple.
 * @returns the padded image.
 */
export function padImage(img: RgbImage, m = 32): RgbImage {
  const [top, bottom] = padAmounts(img.height, m);
  const [left, right] = padAmounts(img.width, m);
  const height = img.height + top + bottom;
  const width = img.width + left + right;
  const px = new Uint8Array(height * width * 3);
  for (let y = 0; y < height; y++) {
    const row = reflectIndex(y - top, img.height) * img.width;
    for (let x = 0; x < width; x++) {
      const s = (row + reflectIndex(x - left, img.width)) * 3;
      const d = (y * width + x) * 3;
      px[d] = img.data[s];
      px[d + 1] = img.data[s + 1];
      px[d + 2] = img.data[s + 2];
    }
  }
  return { width, height, data: px };
}

/** A padded, normalised image ready for the network. */
export interface PaddedInput {
  data: Float32Array;
  height: number;
  width: number;
}

/**
 * Reflect-pads to multiples of `m` and normalises as the model was trained.
 *
 * @param img the image.
 * @param normalization the model's normalisation.
 * @param m the multiple.
 * @param reuse an array to write into when it has the padded size (its
 *   contents are overwritten); a new one otherwise.
 * @returns the padded image, normalised, HWC.
 */
export function padForInference(
  img: RgbImage,
  normalization: Normalization,
  m = 32,
  reuse?: Float32Array,
): PaddedInput {
  // normalizeInto(padImage(img, m)) in one pass, with the reflections
  // tabulated per column and the normalisation per byte: the two passes
  // took about 20 ms of a 775x522 prediction, a reflectIndex per pixel.
  const [top, bottom] = padAmounts(img.height, m);
  const [left, right] = padAmounts(img.width, m);
  const height = img.height + top + bottom;
  const width = img.width + left + right;
  const table = normalizationTable(normalization);
  const cols = Int32Array.from({ length: width }, (_, x) => 3 * reflectIndex(x - left, img.width));
  const src = img.data;
  // A fresh 5 MB array cost 14 ms of page faults here on each of a process's
  // first 27 images (0.3 ms after), more than the loop; callers that pad
  // image after image hand the last one back.
  const size = height * width * 3;
  const data = reuse?.length === size ? reuse : new Float32Array(size);
  for (let y = 0, d = 0; y < height; y++) {
    const row = 3 * img.width * reflectIndex(y - top, img.height);
    for (let x = 0; x < width; x++) {
      const s = row + cols[x];
      data[d++] = table[src[s]];
      data[d++] = table[256 + src[s + 1]];
      data[d++] = table[512 + src[s + 2]];
    }
  }
  return { data, height, width };
}

/**
 * Crops an [hp, wp] map back to [h, w] with the reference's formula.
 *
 * @param map the map of the padded image, row-major.
 * @param hp its height.
 * @param wp its width.
 * @param h the image's height.
 * @param w the image's width.
 * @returns the map at the image's size.
 */
export function cropBack(
  map: Float32Array,
  hp: number,
  wp: number,
  h: number,
  w: number,
): Float32Array {
  const y0 = cropStart(hp, h);
  const x0 = cropStart(wp, w);
  const out = new Float32Array(h * w);
  for (let y = 0; y < h; y++) {
    out.set(map.subarray((y0 + y) * wp + x0, (y0 + y) * wp + x0 + w), y * w);
  }
  return out;
}
