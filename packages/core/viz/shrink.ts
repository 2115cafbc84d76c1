/**
 * Shrinks an RGB image by a whole factor, averaging each factor x factor
 * block (the last, partial blocks average what they hold), so that pictures
 * in reports stay small.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { shrinkToWidth } from "./shrink.ts";
 * const img = { width: 4, height: 2, data: new Uint8Array(24).fill(9) };
 * const small = shrinkToWidth(img, 2);
 * assert.deepEqual([small.width, small.height], [2, 1]);
 * ```
 * @module
 */
import type { RgbImage } from "../data/image.ts";

/**
 * `img` made at most `maxWidth` wide by a whole factor (unchanged when already narrow).
 *
 * @param img the image.
 * @param maxWidth the widest it may be.
 * @returns the image, shrunk by averaging whole blocks, or itself.
 */
export function shrinkToWidth(img: RgbImage, maxWidth: number): RgbImage {
  return shrinkBy(img, Math.ceil(img.width / maxWidth));
}

/**
 * `img` shrunk by the whole factor `f` (unchanged for 1 or less): pictures of
 * different sizes shrunk by one factor keep one scale.
 *
 * @param img the image.
 * @param f the factor.
 * @returns the image, each f x f block averaged, or itself.
 */
export function shrinkBy(img: RgbImage, f: number): RgbImage {
  if (!(f > 1)) return img;
  const w = Math.ceil(img.width / f), h = Math.ceil(img.height / f);
  const data = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const sums = [0, 0, 0];
      let n = 0;
      for (let yy = y * f; yy < Math.min(img.height, (y + 1) * f); yy++) {
        for (let xx = x * f; xx < Math.min(img.width, (x + 1) * f); xx++) {
          const i = 3 * (yy * img.width + xx);
          sums[0] += img.data[i];
          sums[1] += img.data[i + 1];
          sums[2] += img.data[i + 2];
          n++;
        }
      }
      for (let c = 0; c < 3; c++) data[3 * (y * w + x) + c] = Math.round(sums[c] / n);
    }
  }
  return { width: w, height: h, data };
}
