/**
 * Area resampling: each output pixel is the mean of the source area it
 * covers, fractional pixels weighted by their share. It shrinks regions read
 * at a finer pyramid level to the analysis resolution and slide levels to
 * thumbnails without the aliasing of nearest-neighbour sampling.
 *
 * @example
 * ```ts
 * import { resizeArea } from "./resample.ts";
 * const img = { width: 2, height: 1, data: Uint8Array.of(0, 0, 0, 100, 50, 10) };
 * resizeArea(img, 1, 1).data; // Uint8Array [50, 25, 5]
 * ```
 * @module
 */
import type { RgbImage } from "../data/image.ts";

/** For each of `n` output cells over `m` source cells: the first source index and its weights. */
export interface AxisWeights {
  start: Int32Array;
  weights: Float32Array[];
}

/** Area weights of `n` output cells covering `m` source cells (each row sums to 1). */
export function areaWeights(m: number, n: number): AxisWeights {
  const scale = m / n;
  const start = new Int32Array(n);
  const weights: Float32Array[] = [];
  for (let i = 0; i < n; i++) {
    const a = i * scale, b = (i + 1) * scale;
    const first = Math.floor(a), last = Math.min(m - 1, Math.ceil(b) - 1);
    const w = new Float32Array(last - first + 1);
    for (let s = first; s <= last; s++) {
      w[s - first] = (Math.min(b, s + 1) - Math.max(a, s)) / scale;
    }
    start[i] = first;
    weights.push(w);
  }
  return { start, weights };
}

/** `img` resampled to `width` x `height` by area averaging. */
export function resizeArea(img: RgbImage, width: number, height: number): RgbImage {
  if (width === img.width && height === img.height) return img;
  const wx = areaWeights(img.width, width);
  const wy = areaWeights(img.height, height);
  // Horizontal pass over every source row, then the vertical one.
  const rows = new Float32Array(img.height * width * 3);
  for (let y = 0; y < img.height; y++) {
    const src = 3 * y * img.width;
    const dst = 3 * y * width;
    for (let x = 0; x < width; x++) {
      const w = wx.weights[x];
      let r = 0, g = 0, b = 0;
      for (let k = 0, s = src + 3 * wx.start[x]; k < w.length; k++, s += 3) {
        r += w[k] * img.data[s];
        g += w[k] * img.data[s + 1];
        b += w[k] * img.data[s + 2];
      }
      rows[dst + 3 * x] = r;
      rows[dst + 3 * x + 1] = g;
      rows[dst + 3 * x + 2] = b;
    }
  }
  const out = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    const w = wy.weights[y];
    const first = wy.start[y];
    for (let i = 0; i < 3 * width; i++) {
      let v = 0;
      for (let k = 0; k < w.length; k++) v += w[k] * rows[(first + k) * 3 * width + i];
      out[3 * y * width + i] = Math.round(v);
    }
  }
  return { width, height, data: out };
}
