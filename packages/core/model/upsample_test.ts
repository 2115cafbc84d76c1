import assert from "node:assert/strict";
import { tf } from "../runtime/tf.ts";
import { initBackend } from "../runtime/backend.ts";
import { maxAbsDiff, tensorFrom } from "../_testing/mod.ts";
import { interpolationMatrix, upsampleMap } from "./upsample.ts";

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
