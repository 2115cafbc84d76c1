import assert from "node:assert/strict";
import { Rng } from "../util/rng.ts";
import { augment } from "./augment.ts";
import { NORMALIZATION, type Normalization, normalizeInto } from "./normalize.ts";
import {
  adjustBrightness,
  adjustContrast,
  adjustHue,
  adjustSaturation,
  colorJitter,
  luma,
} from "./color_jitter.ts";
import {
  cropBack,
  cropStart,
  padAmounts,
  padForInference,
  padImage,
  reflectIndex,
} from "./padding.ts";

const NO_JITTER = { brightness: 0, contrast: 0, saturation: 0, hue: 0 };

Deno.test("reflect indexing matches numpy's 'reflect' mode", () => {
  // np.pad(np.arange(4), 5, 'reflect') = [1 2 3 2 1 | 0 1 2 3 | 2 1 0 1 2]
  const got = Array.from({ length: 14 }, (_, i) => reflectIndex(i - 5, 4));
  assert.deepEqual(got, [1, 2, 3, 2, 1, 0, 1, 2, 3, 2, 1, 0, 1, 2]);
  assert.equal(reflectIndex(7, 1), 0);
});

Deno.test("augment: a full-size crop without flips or jitter only normalises", () => {
  const data = Uint8Array.from({ length: 4 * 3 * 3 }, (_, i) => i * 7);
  const out = new Float32Array(data.length);
  augment(
    { width: 4, height: 3, data },
    { crop: 3, padFraction: 0, hflip: 0, vflip: 0, ...NO_JITTER },
    new Rng(1),
    out,
  );
  // 4x3 image, 3x3 crop: starts at column 0 or 1.
  const left = new Float32Array(27);
  const right = new Float32Array(27);
  for (let y = 0; y < 3; y++) {
    for (let x = 0; x < 3; x++) {
      for (let c = 0; c < 3; c++) {
        left[(y * 3 + x) * 3 + c] = data[(y * 4 + x) * 3 + c] / 127.5 - 1;
        right[(y * 3 + x) * 3 + c] = data[(y * 4 + x + 1) * 3 + c] / 127.5 - 1;
      }
    }
  }
  const same = (a: Float32Array) => a.every((v, i) => Math.abs(v - out[i]) < 1e-6);
  assert.ok(same(left) || same(right));
});

Deno.test("augment: flips mirror the crop; same seed, same crop", () => {
  const data = Uint8Array.from({ length: 2 * 2 * 3 }, (_, i) => i * 20);
  const img = { width: 2, height: 2, data };
  const o = { crop: 2, padFraction: 0, hflip: 1, vflip: 1, ...NO_JITTER };
  const out = new Float32Array(12);
  augment(img, o, new Rng(0), out);
  const px = (k: number) =>
    Array.from(out.subarray(3 * k, 3 * k + 3)).map((v) => Math.round((v + 1) * 127.5));
  // Both flips: pixel 0 becomes the old pixel 3.
  assert.deepEqual(px(0), [180, 200, 220]);
  assert.deepEqual(px(3), [0, 20, 40]);
  const a = new Float32Array(27 * 4);
  const b = new Float32Array(27 * 4);
  const big = {
    width: 9,
    height: 7,
    data: Uint8Array.from({ length: 189 }, (_, i) => (i * 31) % 256),
  };
  const full = {
    crop: 6,
    padFraction: 0.5,
    hflip: 0.5,
    vflip: 0.5,
    brightness: 0.5,
    contrast: 0.5,
    saturation: 0.5,
    hue: 0.05,
  };
  augment(big, full, new Rng(5), a);
  augment(big, full, new Rng(5), b);
  assert.deepEqual(a, b);
  // A crop larger than the padded image is reflect-padded up to size.
  const tiny = new Float32Array(8 * 8 * 3);
  augment({ width: 2, height: 2, data }, { ...o, crop: 8 }, new Rng(0), tiny);
  assert.ok(tiny.every((v) => v >= -1 && v <= 1));
});

Deno.test("colour jitter follows PIL's blends on hand-computed pixels", () => {
  const px = Uint8Array.from([100, 50, 200]);
  adjustBrightness(px, 1.5);
  assert.deepEqual(Array.from(px), [150, 75, 255]);
  const c = Uint8Array.from([100, 100, 100, 200, 200, 200]);
  adjustContrast(c, 2); // mean grey 150: 150 + 2*(100-150) = 50; 150 + 2*50 = 250
  assert.deepEqual(Array.from(c), [50, 50, 50, 250, 250, 250]);
  const s = Uint8Array.from([200, 100, 0]);
  adjustSaturation(s, 0); // fully grey: the luma
  const l = luma(200, 100, 0);
  assert.deepEqual(Array.from(s), [l, l, l]);
  const h = Uint8Array.from([200, 30, 40]);
  adjustHue(h, 0.5); // red shifted half-way round the hue circle: cyan-ish
  assert.ok(h[0] < h[1] && h[0] < h[2], `${h}`);
  const same = Uint8Array.from([12, 34, 56]);
  colorJitter(same, NO_JITTER, new Rng(0));
  assert.deepEqual(Array.from(same), [12, 34, 56]);
  assert.throws(() => adjustHue(h, 0.7), /outside/);
});

Deno.test("normalisation maps 0..255 to -1..1", () => {
  const out = new Float32Array(3);
  normalizeInto(Uint8Array.from([0, 255, 51]), NORMALIZATION, out);
  assert.ok(
    Math.abs(out[0] + 1) < 1e-7 && Math.abs(out[1] - 1) < 1e-7 && Math.abs(out[2] + 0.6) < 1e-6,
  );
});

Deno.test("inference padding and crop-back follow the reference formulas", () => {
  assert.deepEqual(padAmounts(522), [11, 11]);
  assert.deepEqual(padAmounts(775), [12, 13]);
  assert.deepEqual(padAmounts(64), [0, 0]);
  // The reference's crop is one pixel off its own padding when the pad is odd.
  assert.equal(cropStart(544, 522), 11);
  assert.equal(cropStart(800, 775), 13);
  const p = padForInference(
    {
      width: 3,
      height: 2,
      data: Uint8Array.from({ length: 18 }, (_, i) => i * 10),
    },
    NORMALIZATION,
    4,
  );
  assert.equal(p.width, 4);
  assert.equal(p.height, 4);
  const map = Float32Array.from({ length: 16 }, (_, i) => i);
  assert.deepEqual(Array.from(cropBack(map, 4, 4, 2, 3)), [5, 6, 7, 9, 10, 11]);
});

Deno.test("padForInference is normalizeInto of padImage, bit for bit", () => {
  const rng = new Rng(5);
  const norm: Normalization = { mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] };
  for (const [w, h, m] of [[1, 1, 32], [2, 1, 4], [37, 19, 32], [64, 32, 32], [5, 70, 16]]) {
    const data = Uint8Array.from({ length: w * h * 3 }, () => Math.floor(rng.next() * 256));
    for (const n of [NORMALIZATION, norm]) {
      const padded = padImage({ width: w, height: h, data }, m);
      const want = new Float32Array(padded.data.length);
      normalizeInto(padded.data, n, want);
      const got = padForInference({ width: w, height: h, data }, n, m);
      assert.deepEqual([got.width, got.height], [padded.width, padded.height]);
      assert.deepEqual(got.data, want, `${w}x${h} to multiples of ${m}`);
      // Into a reused array of the padded size (stale values in it): the same
      // values, in that array; one of another size is left alone.
      const stale = new Float32Array(want.length).fill(7);
      const into = padForInference({ width: w, height: h, data }, n, m, stale);
      assert.equal(into.data, stale);
      assert.deepEqual(into.data, want);
      const other = new Float32Array(want.length + 3);
      assert.notEqual(padForInference({ width: w, height: h, data }, n, m, other).data, other);
    }
  }
});
