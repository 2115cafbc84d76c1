/**
 * Colour jitter with torchvision 0.2.2 semantics on 8-bit RGB: brightness,
 * contrast and saturation factors drawn from [max(0, 1-a), 1+a], a hue shift
 * from [-h, h], applied in random order. Each step follows PIL: a blend with
 * a degenerate image (black, the mean grey level, or the greyscale image),
 * truncated to 8 bits; hue shifts the 8-bit H channel of HSV with wrap-around.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Rng } from "../util/rng.ts";
 * import { colorJitter } from "./color_jitter.ts";
 * const px = new Uint8Array([200, 100, 50]);
 * colorJitter(px, { brightness: 0.5, contrast: 0.5, saturation: 0.5, hue: 0.05 }, new Rng(0));
 * assert.notDeepEqual(Array.from(px), [200, 100, 50]);
 * const same = new Uint8Array([200, 100, 50]);
 * colorJitter(same, { brightness: 0.5, contrast: 0.5, saturation: 0.5, hue: 0.05 }, new Rng(0));
 * assert.deepEqual(same, px); // the seed decides everything
 * ```
 * @module
 */
import type { Rng } from "../util/rng.ts";

/** Jitter strengths; 0 disables a component. */
export interface JitterOptions {
  brightness: number;
  contrast: number;
  saturation: number;
  hue: number;
}

/** PIL's 'L' conversion of one pixel. */
export function luma(r: number, g: number, b: number): number {
  return (r * 19595 + g * 38470 + b * 7471 + 0x8000) >> 16;
}

function clip8(v: number): number {
  return v <= 0 ? 0 : v >= 255 ? 255 : Math.trunc(v);
}

/** out = degenerate + f * (px - degenerate), per channel, PIL-truncated. */
function blendInPlace(px: Uint8Array, degenerate: (i: number) => number, f: number): void {
  for (let i = 0; i < px.length; i++) {
    const d = degenerate(i);
    px[i] = clip8(d + f * (px[i] - d));
  }
}

/** Brightness: blend with black. */
export function adjustBrightness(px: Uint8Array, f: number): void {
  blendInPlace(px, () => 0, f);
}

/** Contrast: blend with the mean grey level of the image. */
export function adjustContrast(px: Uint8Array, f: number): void {
  let sum = 0;
  const n = px.length / 3;
  for (let i = 0; i < n; i++) sum += luma(px[3 * i], px[3 * i + 1], px[3 * i + 2]);
  const mean = Math.trunc(sum / n + 0.5);
  blendInPlace(px, () => mean, f);
}

/** Saturation: blend with the greyscale image. */
export function adjustSaturation(px: Uint8Array, f: number): void {
  const n = px.length / 3;
  const grey = new Uint8Array(n);
  for (let i = 0; i < n; i++) grey[i] = luma(px[3 * i], px[3 * i + 1], px[3 * i + 2]);
  blendInPlace(px, (i) => grey[(i / 3) | 0], f);
}

/** Hue: shift the 8-bit hue by trunc(f * 255), wrapping as uint8. */
export function adjustHue(px: Uint8Array, f: number): void {
  if (f < -0.5 || f > 0.5) throw new Error(`hue factor ${f} is outside [-0.5, 0.5]`);
  const shift = ((Math.trunc(f * 255) % 256) + 256) % 256;
  if (shift === 0) return;
  for (let i = 0; i < px.length; i += 3) {
    const r = px[i], g = px[i + 1], b = px[i + 2];
    const max = Math.max(r, g, b);
    const min = Math.min(r, g, b);
    const v = max;
    const s = max === 0 ? 0 : Math.trunc((255 * (max - min)) / max);
    let h = 0;
    if (max !== min) {
      const d = max - min;
      let hf: number;
      if (max === r) hf = (g - b) / d;
      else if (max === g) hf = 2 + (b - r) / d;
      else hf = 4 + (r - g) / d;
      hf = ((hf / 6) % 1 + 1) % 1;
      h = Math.trunc(hf * 255);
    }
    h = (h + shift) & 255;
    // HSV -> RGB with h, s, v in 0..255.
    const hh = (h / 255) * 6;
    const sector = Math.floor(hh) % 6;
    const frac = hh - Math.floor(hh);
    const sf = s / 255;
    const p = clip8(Math.round(v * (1 - sf)));
    const q = clip8(Math.round(v * (1 - sf * frac)));
    const t = clip8(Math.round(v * (1 - sf * (1 - frac))));
    const rgb = [[v, t, p], [q, v, p], [p, v, t], [p, q, v], [t, p, v], [v, p, q]][sector];
    px[i] = rgb[0];
    px[i + 1] = rgb[1];
    px[i + 2] = rgb[2];
  }
}

/**
 * Applies the four jitters in random order, with random factors, in place.
 *
 * @param px RGB bytes, three per pixel, changed in place.
 * @param o the strengths; 0 leaves a component out.
 * @param rng the source of the factors and the order.
 */
export function colorJitter(px: Uint8Array, o: JitterOptions, rng: Rng): void {
  const steps: (() => void)[] = [];
  const factor = (a: number) => rng.uniform(Math.max(0, 1 - a), 1 + a);
  if (o.brightness > 0) {
    const f = factor(o.brightness);
    steps.push(() => adjustBrightness(px, f));
  }
  if (o.contrast > 0) {
    const f = factor(o.contrast);
    steps.push(() => adjustContrast(px, f));
  }
  if (o.saturation > 0) {
    const f = factor(o.saturation);
    steps.push(() => adjustSaturation(px, f));
  }
  if (o.hue > 0) {
    const f = rng.uniform(-o.hue, o.hue);
    steps.push(() => adjustHue(px, f));
  }
  for (const step of rng.shuffle(steps)) step();
}
