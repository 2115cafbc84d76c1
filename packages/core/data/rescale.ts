/**
 * The input scale (`resize` in the config): images are scaled by a factor
 * before the model sees them (e.g. 0.5 for GlaS on a CPU: the same crop then
 * covers four times the tissue at the same cost), and a map computed on the
 * scaled image is scaled back to the original size, so masks and scores are
 * always at the resolution of the image given. Training data is scaled once,
 * on load; inference scales each image, then its map back.
 *
 * Resampling is separable and linear (a triangle filter on pixel centres),
 * widened by 1/f when shrinking so that every source pixel counts (Pillow's
 * antialiased bilinear resize); enlarging is plain bilinear. Pure
 * TypeScript, no tensor library.
 *
 * @example
 * ```ts
 * import { restoreMapSize, scaleImage } from "./rescale.ts";
 * const img = { width: 4, height: 2, data: new Uint8Array(4 * 2 * 3).fill(200) };
 * const half = scaleImage(img, 0.5); // 2x1, every value 200
 * const map = restoreMapSize(Float32Array.of(0, 1), 2, 1, 4, 2); // 4x2 map
 * ```
 * @module
 */
import type { Dataset, Sample } from "./dataset.ts";
import type { BinaryMask, RgbImage } from "./image.ts";

/** The size of a w x h image scaled by f: rounded, at least one pixel. */
export function scaledSize(width: number, height: number, f: number): [number, number] {
  if (!(f > 0) || !Number.isFinite(f)) throw new Error(`the scale must be > 0, got ${f}`);
  return [Math.max(1, Math.round(width * f)), Math.max(1, Math.round(height * f))];
}

/** Taps of one axis: for each output index, its first source index and weights. */
interface AxisTaps {
  start: Int32Array;
  count: Int32Array;
  weights: Float32Array;
  /** Weights per output index (the widest footprint). */
  span: number;
}

function axisTaps(inLen: number, outLen: number): AxisTaps {
  const scale = inLen / outLen;
  const support = Math.max(1, scale); // the triangle's half-width in source pixels
  const span = Math.ceil(support) * 2 + 1;
  const start = new Int32Array(outLen);
  const count = new Int32Array(outLen);
  const weights = new Float32Array(outLen * span);
  for (let o = 0; o < outLen; o++) {
    const centre = (o + 0.5) * scale - 0.5;
    const lo = Math.max(0, Math.ceil(centre - support));
    const hi = Math.min(inLen - 1, Math.floor(centre + support));
    let sum = 0;
    let n = 0;
    for (let i = lo; i <= hi && n < span; i++, n++) {
      const w = Math.max(0, 1 - Math.abs(i - centre) / support);
      weights[o * span + n] = w;
      sum += w;
    }
    if (sum === 0) {
      // Past the edge of a one-pixel axis: take the nearest pixel.
      start[o] = Math.min(inLen - 1, Math.max(0, Math.round(centre)));
      count[o] = 1;
      weights[o * span] = 1;
      continue;
    }
    for (let k = 0; k < n; k++) weights[o * span + k] /= sum;
    start[o] = lo;
    count[o] = n;
  }
  return { start, count, weights, span };
}

/**
 * Resamples a row-major w x h image of `channels` interleaved values to
 * outW x outH (rows first, then columns), in float.
 */
export function resample(
  src: ArrayLike<number>,
  width: number,
  height: number,
  channels: number,
  outW: number,
  outH: number,
): Float32Array {
  if (src.length !== width * height * channels) {
    throw new Error(`expected ${width * height * channels} values, got ${src.length}`);
  }
  const cols = axisTaps(width, outW);
  const rows = axisTaps(height, outH);
  const mid = new Float32Array(width * outH * channels); // rows resampled
  for (let o = 0; o < outH; o++) {
    const base = o * rows.span;
    for (let k = 0; k < rows.count[o]; k++) {
      const w = rows.weights[base + k];
      const from = (rows.start[o] + k) * width * channels;
      const to = o * width * channels;
      for (let i = 0; i < width * channels; i++) mid[to + i] += w * src[from + i];
    }
  }
  const out = new Float32Array(outW * outH * channels);
  for (let y = 0; y < outH; y++) {
    for (let o = 0; o < outW; o++) {
      const base = o * cols.span;
      const to = (y * outW + o) * channels;
      for (let k = 0; k < cols.count[o]; k++) {
        const w = cols.weights[base + k];
        const from = (y * width + cols.start[o] + k) * channels;
        for (let c = 0; c < channels; c++) out[to + c] += w * mid[from + c];
      }
    }
  }
  return out;
}

/** `img` scaled by `f` (a copy, even at f = 1). */
export function scaleImage(img: RgbImage, f: number): RgbImage {
  const [w, h] = scaledSize(img.width, img.height, f);
  if (w === img.width && h === img.height) {
    return { width: w, height: h, data: Uint8Array.from(img.data) };
  }
  const v = resample(img.data, img.width, img.height, 3, w, h);
  const data = new Uint8Array(v.length);
  for (let i = 0; i < v.length; i++) data[i] = Math.min(255, Math.max(0, Math.round(v[i])));
  return { width: w, height: h, data };
}

/** A binary mask scaled by `f`: resampled, then thresholded at 0.5. */
export function scaleMask(mask: BinaryMask, f: number): BinaryMask {
  const [w, h] = scaledSize(mask.width, mask.height, f);
  const v = resample(mask.data, mask.width, mask.height, 1, w, h);
  return { width: w, height: h, data: Uint8Array.from(v, (x) => (x >= 0.5 ? 1 : 0)) };
}

/**
 * A map computed on a scaled image (w x h, one value per pixel) brought back
 * to the original image's size.
 */
export function restoreMapSize(
  map: Float32Array,
  width: number,
  height: number,
  origW: number,
  origH: number,
): Float32Array {
  if (width === origW && height === origH) return map;
  return resample(map, width, height, 1, origW, origH);
}

/** Every sample of `ds` (image and mask) scaled by `f`; `ds` itself at f = 1. */
export function scaleDataset(ds: Dataset, f: number): Dataset {
  if (f === 1) return ds;
  const samples: Sample[] = ds.samples.map((s) => ({
    ...s,
    image: scaleImage(s.image, f),
    mask: s.mask ? scaleMask(s.mask, f) : null,
  }));
  return { classes: ds.classes, samples };
}
