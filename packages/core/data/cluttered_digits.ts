/**
 * Cluttered digits: a localization task with ten classes, built from real
 * MNIST digits. Each image holds one digit, scaled and turned a little, on a
 * larger canvas among fragments of other digits and noise; the label is the
 * digit and the ground-truth mask is exactly the digit's own pixels (its
 * resampled intensity at least `maskLevel`), whatever the clutter does.
 *
 * The digits come from `DigitSource` (see `mnist_source.ts`); each split
 * draws from its own share of every class's digits, so no digit appears in
 * two splits. Everything follows from the seed.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { clutteredDigits, DIGIT_SIDE } from "./cluttered_digits.ts";
 * // Real digits come from loadMnist(); any 28x28 intensities will do here:
 * // ten classes of ten squares each.
 * const square = () => new Float32Array(DIGIT_SIDE * DIGIT_SIDE).fill(1);
 * const source = Array.from({ length: 10 }, () => Array.from({ length: 10 }, square));
 * const ds = clutteredDigits(source, { split: "train", count: 4, size: 48, seed: 1 });
 * assert.equal(ds.classes.length, 10);
 * assert.equal(ds.samples[0].image.width, 48);
 * assert.ok(ds.samples.every((s) => s.mask!.data.includes(1))); // each mask marks its digit
 * ```
 * @module
 */
import { Rng } from "../util/rng.ts";
import type { Dataset, Sample } from "./dataset.ts";

/** Digit images by class: `digits[c][i]` is a 28x28 row-major map in [0, 1]. */
export type DigitSource = Float32Array[][];

/** Side of the source digits. */
export const DIGIT_SIDE = 28;

/** The splits and the share of each class's digits they draw from. */
export const DIGIT_SPLITS = { train: [0, 0.7], valid: [0.7, 0.85], test: [0.85, 1] } as const;

/** Options of {@link clutteredDigits}. */
export interface ClutteredDigitsOptions {
  split: keyof typeof DIGIT_SPLITS;
  count: number;
  /** Canvas side in pixels (at least 48). */
  size: number;
  seed: number;
  /** Fragments of other digits per image [6]. */
  fragments?: number;
  /** Standard deviation of the pixel noise, in [0, 1] intensity [0.08]. */
  noise?: number;
  /** Digit intensity from which a pixel is in the mask [0.5]. */
  maskLevel?: number;
}

/** Bilinear sample of a 28x28 digit at (x, y); 0 outside. */
function sample(d: Float32Array, x: number, y: number): number {
  const x0 = Math.floor(x), y0 = Math.floor(y);
  const fx = x - x0, fy = y - y0;
  const at = (i: number, j: number) =>
    i >= 0 && j >= 0 && i < DIGIT_SIDE && j < DIGIT_SIDE ? d[i * DIGIT_SIDE + j] : 0;
  return (1 - fy) * ((1 - fx) * at(y0, x0) + fx * at(y0, x0 + 1)) +
    fy * ((1 - fx) * at(y0 + 1, x0) + fx * at(y0 + 1, x0 + 1));
}

/** Draws `d`, scaled by `scale` and turned by `angle`, centred at (cx, cy), into `layer` (max). */
function stamp(
  layer: Float32Array,
  size: number,
  d: Float32Array,
  cx: number,
  cy: number,
  scale: number,
  angle: number,
  window?: { x0: number; y0: number; x1: number; y1: number },
): void {
  const half = (DIGIT_SIDE * scale) / 2 * Math.SQRT2;
  const cos = Math.cos(angle), sin = Math.sin(angle);
  const c = (DIGIT_SIDE - 1) / 2;
  for (let y = Math.max(0, Math.floor(cy - half)); y < Math.min(size, Math.ceil(cy + half)); y++) {
    for (
      let x = Math.max(0, Math.floor(cx - half));
      x < Math.min(size, Math.ceil(cx + half));
      x++
    ) {
      // Inverse map of the canvas pixel into the digit's frame.
      const u = ((x - cx) * cos + (y - cy) * sin) / scale + c;
      const v = (-(x - cx) * sin + (y - cy) * cos) / scale + c;
      if (window && (u < window.x0 || u >= window.x1 || v < window.y0 || v >= window.y1)) continue;
      const value = sample(d, u, v);
      const i = y * size + x;
      if (value > layer[i]) layer[i] = value;
    }
  }
}

/**
 * One split of cluttered digits.
 *
 * @param source the MNIST digits by class ({@link loadMnist}).
 * @param o the split, count, canvas size, seed and clutter.
 * @returns the images, labelled by digit, with exact masks.
 * @throws {Error} when `source` has fewer than ten classes of ten digits.
 */
export function clutteredDigits(source: DigitSource, o: ClutteredDigitsOptions): Dataset {
  if (source.length !== 10 || source.some((c) => c.length < 10)) {
    throw new Error("cluttered digits need ten classes of at least ten digits each");
  }
  if (!(o.size >= 48)) throw new Error(`digit canvases must be at least 48 pixels, got ${o.size}`);
  const [lo, hi] = DIGIT_SPLITS[o.split];
  const fragments = o.fragments ?? 6;
  const noise = o.noise ?? 0.08;
  const maskLevel = o.maskLevel ?? 0.5;
  const rng = new Rng(o.seed);
  const samples: Sample[] = [];
  const n = o.size * o.size;
  for (let s = 0; s < o.count; s++) {
    const r = rng.fork();
    const label = r.int(10);
    const pool = source[label];
    const first = Math.floor(lo * pool.length);
    const last = Math.floor(hi * pool.length);
    const digit = pool[first + r.int(last - first)];
    const scale = r.uniform(1.1, 1.6);
    const angle = r.uniform(-0.26, 0.26); // about 15 degrees
    const reach = (DIGIT_SIDE * scale) / 2;
    const cx = r.uniform(reach, o.size - reach);
    const cy = r.uniform(reach, o.size - reach);

    const digitLayer = new Float32Array(n);
    stamp(digitLayer, o.size, digit, cx, cy, scale, angle);
    const clutter = new Float32Array(n);
    for (let f = 0; f < fragments; f++) {
      // A 7-11 pixel window (a stroke or two, not a whole digit) of another digit of any
      // class, from the same split's share.
      const other = source[r.int(10)];
      const a = Math.floor(lo * other.length);
      const b = Math.floor(hi * other.length);
      const d = other[a + r.int(b - a)];
      const side = 7 + r.int(5);
      const x0 = 4 + r.int(DIGIT_SIDE - 8 - side), y0 = 4 + r.int(DIGIT_SIDE - 8 - side);
      stamp(clutter, o.size, d, r.uniform(0, o.size), r.uniform(0, o.size), r.uniform(1, 1.6), 0, {
        x0,
        y0,
        x1: x0 + side,
        y1: y0 + side,
      });
    }
    const data = new Uint8Array(3 * n);
    const mask = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      mask[i] = digitLayer[i] >= maskLevel ? 1 : 0;
      const v = Math.max(digitLayer[i], 0.8 * clutter[i]) + noise * r.normal();
      const g = Math.round(255 * Math.min(1, Math.max(0, v)));
      data[3 * i] = data[3 * i + 1] = data[3 * i + 2] = g;
    }
    samples.push({
      id: `digits_${o.split}_${o.seed}_${s}.png`,
      image: { width: o.size, height: o.size, data },
      mask: { width: o.size, height: o.size, data: mask },
      label,
    });
  }
  return { classes: ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"], samples };
}
