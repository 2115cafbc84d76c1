import assert from "node:assert/strict";
import { tf } from "../backend/tf.ts";
import { initBackend } from "../backend/backend.ts";
import { maxAbsDiff, tensorFrom } from "../_testing/mod.ts";
import {
  axisTaps,
  resizeByProducts,
  resizeExact,
  samplePosition,
  UPSAMPLE_MODES,
  upsampleMap,
  type UpsampleMode,
} from "./upsample.ts";

/** The [out x cells] weights that resizeExact's taps stand for. */
function interpolationMatrix(out: number, cells: number, mode: UpsampleMode, stride = 32) {
  const { i0, i1, frac } = axisTaps(out, cells, mode, stride);
  const a = new Float32Array(out * cells);
  for (let p = 0; p < out; p++) {
    a[p * cells + i0[p]] += 1 - frac[p];
    a[p * cells + i1[p]] += frac[p];
  }
  return a;
}

Deno.test("interpolation weights on hand-computed rows", () => {
  // align-corners, 2 cells -> 4 pixels: u = 0, 1/3, 2/3, 1.
  const ac = Array.from(interpolationMatrix(4, 2, "align-corners")).map((v) => +v.toFixed(6));
  assert.deepEqual(ac, [1, 0, 2 / 3, 1 / 3, 1 / 3, 2 / 3, 0, 1].map((v) => +v.toFixed(6)));
  // stride-grid with stride 2, 2 cells -> 4 pixels: u = 0, 0.5, 1, 1 (clamped).
  assert.deepEqual(Array.from(interpolationMatrix(4, 2, "stride-grid", 2)), [
    1,
    0,
    0.5,
    0.5,
    0,
    1,
    0,
    1,
  ]);
  // Every row sums to one.
  const m = interpolationMatrix(100, 4, "stride-grid");
  for (let p = 0; p < 100; p++) {
    assert.ok(Math.abs(m[4 * p] + m[4 * p + 1] + m[4 * p + 2] + m[4 * p + 3] - 1) < 1e-6);
  }
});

for (const backend of ["cpu", "wasm"] as const) {
  Deno.test(`align-corners upsampling equals tf.image.resizeBilinear(alignCorners) (${backend})`, async () => {
    await initBackend(backend);
    const m = tensorFrom([2, 4, 3, 1], 1) as tf.Tensor4D;
    const ours = await upsampleMap(m, [128, 96], "align-corners").data();
    const ref = await tf.image.resizeBilinear(m, [128, 96], true).data();
    assert.ok(maxAbsDiff(ours, ref) < 1e-5, `max diff ${maxAbsDiff(ours, ref)}`);
    m.dispose();
  });
}

Deno.test("stride-grid upsampling puts cell i on pixel 32 i", async () => {
  await initBackend("cpu");
  const m = tf.tensor4d([0, 10, 20, 30], [1, 1, 4, 1]);
  const up = await upsampleMap(m, [1, 128], "stride-grid").data();
  assert.deepEqual([up[0], up[32], up[64], up[96], up[127]], [0, 10, 20, 30, 30]);
  assert.ok(Math.abs(up[16] - 5) < 1e-6);
});

Deno.test("sample positions use exact integer arithmetic", () => {
  // 160 -> 80 align-corners: pixel 40 samples 40 * 159 / 79 = 80.5063...: cell 80, frac 40/79.
  const s = samplePosition(40, 80, 160, "align-corners");
  assert.equal(s.cell, 80);
  assert.equal(s.frac, 40 / 79);
  assert.deepEqual(samplePosition(79, 80, 160, "align-corners"), { cell: 159, frac: 0 });
  assert.deepEqual(samplePosition(100, 128, 4, "stride-grid"), { cell: 3, frac: 0 });
  assert.deepEqual(samplePosition(40, 128, 4, "stride-grid"), { cell: 1, frac: 0.25 });
});

Deno.test("resizeExact matches a float64 bilinear resize better than resizeBilinear does", async () => {
  await initBackend("wasm");
  const [H, W, h, w] = [160, 96, 80, 48];
  const x = tensorFrom([2, H, W, 3], 3) as tf.Tensor4D;
  const xs = await x.data();
  const ref = new Float64Array(2 * h * w * 3);
  for (let b = 0; b < 2; b++) {
    for (let i = 0; i < h; i++) {
      for (let j = 0; j < w; j++) {
        const u = (i * (H - 1)) / (h - 1), v = (j * (W - 1)) / (w - 1);
        const i0 = Math.floor(u), j0 = Math.floor(v), fu = u - i0, fv = v - j0;
        const i1 = Math.min(i0 + 1, H - 1), j1 = Math.min(j0 + 1, W - 1);
        for (let c = 0; c < 3; c++) {
          const at = (y: number, z: number) => xs[((b * H + y) * W + z) * 3 + c];
          ref[((b * h + i) * w + j) * 3 + c] =
            (1 - fu) * ((1 - fv) * at(i0, j0) + fv * at(i0, j1)) +
            fu * ((1 - fv) * at(i1, j0) + fv * at(i1, j1));
        }
      }
    }
  }
  const exact = maxAbsDiff(await resizeExact(x, [h, w]).data(), ref);
  const stock = maxAbsDiff(await tf.image.resizeBilinear(x, [h, w], true).data(), ref);
  assert.ok(exact < 1e-6, `resizeExact is off by ${exact}`);
  assert.ok(stock > exact, `resizeBilinear ${stock} vs resizeExact ${exact}`);
  x.dispose();
});

for (const backend of ["cpu", "wasm"] as const) {
  Deno.test(`resizeByProducts equals resizeExact to float rounding (${backend})`, async () => {
    await initBackend(backend);
    for (const mode of UPSAMPLE_MODES) {
      for (
        const [h, w, outH, outW] of [[4, 5, 128, 96], [7, 7, 224, 224], [1, 1, 8, 8], [3, 2, 3, 2]]
      ) {
        const m = tensorFrom([2, h, w, 1], h * 10 + w) as tf.Tensor4D;
        const a = resizeByProducts(m, [outH, outW], mode);
        const b = resizeExact(m, [outH, outW], mode);
        assert.deepEqual(a.shape, [2, outH, outW, 1]);
        const diff = maxAbsDiff(await a.data(), await b.data());
        assert.ok(diff < 1e-6, `${mode} ${h}x${w} -> ${outH}x${outW}: max difference ${diff}`);
        tf.dispose([m, a, b]);
      }
    }
  });
}
