import assert from "node:assert/strict";
import { Rng } from "../util/rng.ts";
import { axisTaps, extremeSamples, lerp32 } from "./upsample_taps.ts";
import type { UpsampleMode } from "../config/options.ts";

Deno.test("lerp32 rounds like float32 arithmetic", () => {
  assert.equal(lerp32(1, 3, 0.25), 1.5);
  const f = Math.fround(0.1);
  const want = Math.fround(
    Math.fround(Math.fround(0.7) * Math.fround(1 - f)) + Math.fround(0.3 * f),
  );
  assert.equal(lerp32(Math.fround(0.7), Math.fround(0.3), f), want);
});

Deno.test("an upsampled map's extremes lie on the extreme rows and columns", () => {
  const r = new Rng(3);
  const cases: [number, number, number, number, UpsampleMode, number][] = [
    [5, 7, 160, 224, "align-corners", 32],
    [4, 3, 128, 96, "stride-grid", 32],
    [6, 9, 96, 144, "stride-grid", 16],
    [1, 4, 32, 128, "align-corners", 32],
  ];
  for (const [h, w, H, W, mode, stride] of cases) {
    const rows = axisTaps(H, h, mode, stride), cols = axisTaps(W, w, mode, stride);
    const er = extremeSamples(rows), ec = extremeSamples(cols);
    assert.ok(er.length <= 2 * h && ec.length <= 2 * w);
    for (let trial = 0; trial < 20; trial++) {
      const m = Float32Array.from({ length: h * w }, () => r.normal());
      const at = (y: number, x: number) => {
        const a = lerp32(
          m[rows.i0[y] * w + cols.i0[x]],
          m[rows.i1[y] * w + cols.i0[x]],
          rows.frac[y],
        );
        const b = lerp32(
          m[rows.i0[y] * w + cols.i1[x]],
          m[rows.i1[y] * w + cols.i1[x]],
          rows.frac[y],
        );
        return lerp32(a, b, cols.frac[x]);
      };
      let lo = Infinity, hi = -Infinity, elo = Infinity, ehi = -Infinity;
      for (let y = 0; y < H; y++) {
        for (let x = 0; x < W; x++) lo = Math.min(lo, at(y, x)), hi = Math.max(hi, at(y, x));
      }
      for (const y of er) {
        for (const x of ec) elo = Math.min(elo, at(y, x)), ehi = Math.max(ehi, at(y, x));
      }
      // Float32 rounding of interior samples can pass the ends by an ulp.
      assert.ok(
        Math.abs(lo - elo) <= 1e-6 && Math.abs(hi - ehi) <= 1e-6,
        `${mode} ${lo} ${elo} ${hi} ${ehi}`,
      );
    }
  }
});
