/**
 * Where the tissue is, from a thumbnail: stained tissue is coloured, glass
 * and background are white or grey, so the HSV saturation separates them.
 * The threshold is Otsu's on the saturation histogram, never below a floor
 * (a slide with no tissue has only noise for Otsu to split). Tiles whose
 * footprint holds too little tissue are skipped.
 *
 * @example
 * ```ts
 * import { otsuThreshold } from "./tissue_mask.ts";
 * const hist = new Float64Array(256);
 * hist[10] = 70; hist[200] = 30;
 * otsuThreshold(hist); // 10: values above it are the upper class
 * ```
 * @module
 */
import type { RgbImage } from "../data/image.ts";
import type { Slide } from "./slide.ts";
import { resizeArea } from "./resample.ts";

/** Saturation 0-255 of an RGB pixel, (max - min) / max. */
export function saturation(r: number, g: number, b: number): number {
  const max = Math.max(r, g, b);
  return max === 0 ? 0 : Math.round((255 * (max - Math.min(r, g, b))) / max);
}

/**
 * Otsu's threshold of a 256-bin histogram: the t that maximises the
 * between-class variance of {v <= t} and {v > t}.
 */
export function otsuThreshold(hist: ArrayLike<number>): number {
  let total = 0, sum = 0;
  for (let i = 0; i < hist.length; i++) total += hist[i], sum += i * hist[i];
  let best = 0, bestVar = -1, w0 = 0, sum0 = 0;
  for (let t = 0; t < hist.length; t++) {
    w0 += hist[t];
    sum0 += t * hist[t];
    const w1 = total - w0;
    if (w0 === 0 || w1 === 0) continue;
    const m0 = sum0 / w0, m1 = (sum - sum0) / w1;
    const v = w0 * w1 * (m0 - m1) * (m0 - m1);
    if (v > bestVar) bestVar = v, best = t;
  }
  return best;
}

/** A tissue mask over a thumbnail of the slide. */
export interface TissueMask {
  width: number;
  height: number;
  /** 1 where there is tissue, row-major. */
  data: Uint8Array;
  /** Saturation threshold used (tissue: above it). */
  threshold: number;
  /** Level-0 pixels per mask pixel. */
  downsample: { x: number; y: number };
  /** Fraction of mask pixels that are tissue. */
  fraction: number;
}

/** The lowest saturation counted as tissue, whatever Otsu says (about 6%). */
export const MIN_TISSUE_SATURATION = 15;

/** Tissue where the saturation exceeds max(Otsu's threshold, `floor`). */
export function tissueMask(
  thumb: RgbImage,
  downsample: { x: number; y: number },
  floor = MIN_TISSUE_SATURATION,
): TissueMask {
  const n = thumb.width * thumb.height;
  const sat = new Uint8Array(n);
  const hist = new Float64Array(256);
  for (let i = 0; i < n; i++) {
    sat[i] = saturation(thumb.data[3 * i], thumb.data[3 * i + 1], thumb.data[3 * i + 2]);
    hist[sat[i]]++;
  }
  const threshold = Math.max(otsuThreshold(hist), floor);
  const data = new Uint8Array(n);
  let count = 0;
  for (let i = 0; i < n; i++) if (sat[i] > threshold) data[i] = 1, count++;
  return {
    width: thumb.width,
    height: thumb.height,
    data,
    threshold,
    downsample,
    fraction: n > 0 ? count / n : 0,
  };
}

/** Answers "how much tissue in this level-0 rectangle" in constant time (integral image). */
export class TissueCoverage {
  readonly #sums: Uint32Array;
  readonly #w: number;

  constructor(readonly mask: TissueMask) {
    const { width: w, height: h, data } = mask;
    this.#w = w + 1;
    const s = new Uint32Array((w + 1) * (h + 1));
    for (let y = 0; y < h; y++) {
      let row = 0;
      for (let x = 0; x < w; x++) {
        row += data[y * w + x];
        s[(y + 1) * (w + 1) + x + 1] = s[y * (w + 1) + x + 1] + row;
      }
    }
    this.#sums = s;
  }

  /** Fraction of tissue in the level-0 rectangle [x0, x1) x [y0, y1). */
  fraction(x0: number, y0: number, x1: number, y1: number): number {
    const { width: w, height: h, downsample: d } = this.mask;
    const cx0 = Math.max(0, Math.min(w, Math.floor(x0 / d.x)));
    const cx1 = Math.max(cx0 + 1, Math.min(w, Math.ceil(x1 / d.x)));
    const cy0 = Math.max(0, Math.min(h, Math.floor(y0 / d.y)));
    const cy1 = Math.max(cy0 + 1, Math.min(h, Math.ceil(y1 / d.y)));
    if (cx0 >= w || cy0 >= h) return 0;
    const s = this.#sums, W = this.#w;
    const sum = s[cy1 * W + cx1] - s[cy0 * W + cx1] - s[cy1 * W + cx0] + s[cy0 * W + cx0];
    return sum / ((cx1 - cx0) * (cy1 - cy0));
  }
}

/** Size of a thumbnail whose longer side is at most `maxSide`. */
export function thumbnailSize(
  width: number,
  height: number,
  maxSide: number,
): { width: number; height: number } {
  const f = Math.max(1, Math.max(width, height) / maxSide);
  return { width: Math.max(1, Math.round(width / f)), height: Math.max(1, Math.round(height / f)) };
}

/** Source pixels read at once when shrinking a level block by block. */
const BLOCK = 2048;

/**
 * A thumbnail of `slide` whose longer side is at most `maxSide`, from the
 * smallest level at least that large, read block by block (memory bounded by
 * one block). Blocks end on thumbnail pixels, so each pixel averages its own
 * area to within one source pixel.
 */
export async function readThumbnail(
  slide: Slide,
  maxSide: number,
): Promise<{ image: RgbImage; downsample: { x: number; y: number }; level: number }> {
  const l0 = slide.levels[0];
  const { width: tw, height: th } = thumbnailSize(l0.width, l0.height, maxSide);
  let level = 0;
  for (let i = 0; i < slide.levels.length; i++) {
    if (slide.levels[i].width >= tw && slide.levels[i].height >= th) level = i;
  }
  const l = slide.levels[level];
  const sx = l.width / tw, sy = l.height / th;
  const out = new Uint8Array(3 * tw * th);
  const stepX = Math.max(1, Math.floor(BLOCK / sx)), stepY = Math.max(1, Math.floor(BLOCK / sy));
  for (let oy = 0; oy < th; oy += stepY) {
    const oh = Math.min(stepY, th - oy);
    const y0 = Math.floor(oy * sy), y1 = Math.min(l.height, Math.ceil((oy + oh) * sy));
    for (let ox = 0; ox < tw; ox += stepX) {
      const ow = Math.min(stepX, tw - ox);
      const x0 = Math.floor(ox * sx), x1 = Math.min(l.width, Math.ceil((ox + ow) * sx));
      const block = resizeArea(await slide.readRegion(level, x0, y0, x1 - x0, y1 - y0), ow, oh);
      for (let y = 0; y < oh; y++) {
        out.set(block.data.subarray(3 * y * ow, 3 * (y + 1) * ow), 3 * ((oy + y) * tw + ox));
      }
    }
  }
  return {
    image: { width: tw, height: th, data: out },
    downsample: { x: l0.width / tw, y: l0.height / th },
    level,
  };
}
