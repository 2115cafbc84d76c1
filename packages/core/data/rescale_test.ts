import assert from "node:assert/strict";
import { resample, restoreMapSize, scaledSize, scaleImage, scaleMask } from "./rescale.ts";
import { syntheticDataset } from "./synthetic.ts";
import { scaleDataset } from "./rescale.ts";

const close = (a: ArrayLike<number>, b: number[], tol = 1e-6) =>
  b.forEach((v, i) => assert.ok(Math.abs(a[i] - v) <= tol, `at ${i}: ${a[i]} != ${v}`));

Deno.test("scaled sizes round and keep at least one pixel", () => {
  assert.deepEqual(scaledSize(775, 522, 0.5), [388, 261]);
  assert.deepEqual(scaledSize(3, 1, 0.1), [1, 1]);
  assert.throws(() => scaledSize(4, 4, 0), /the scale must be > 0/);
});

Deno.test("shrinking weighs the source pixels by a widened triangle (hand-computed)", () => {
  // 0.5: output pixel 0 is centred on source position 0.5 with half-width 2:
  // pixels 0, 1, 2 weigh 0.75, 0.75, 0.25 (renormalised); pixel 1 on 2.5.
  close(resample([0, 0, 4, 4], 4, 1, 1, 2, 1), [1 / 1.75, 6 / 1.75]);
  // Columns and rows are separable: the same along a column.
  close(resample([0, 0, 4, 4], 1, 4, 1, 1, 2), [1 / 1.75, 6 / 1.75]);
});

Deno.test("enlarging is bilinear on pixel centres, clamped at the edges (hand-computed)", () => {
  close(restoreMapSize(Float32Array.of(0, 1), 2, 1, 4, 1), [0, 0.25, 0.75, 1]);
  const same = Float32Array.of(1, 2);
  assert.equal(restoreMapSize(same, 2, 1, 2, 1), same);
});

Deno.test("a flat image stays flat and channels stay apart", () => {
  const img = { width: 5, height: 3, data: new Uint8Array(45) };
  for (let i = 0; i < 15; i++) img.data.set([10, 200, 77], i * 3);
  for (const f of [0.3, 0.5, 1.7]) {
    const s = scaleImage(img, f);
    assert.deepEqual([s.width, s.height], scaledSize(5, 3, f));
    for (let i = 0; i < s.width * s.height; i++) {
      assert.deepEqual(Array.from(s.data.subarray(i * 3, i * 3 + 3)), [10, 200, 77]);
    }
  }
});

Deno.test("masks are thresholded at 0.5 after resampling, and datasets scale whole", () => {
  const m = scaleMask({ width: 4, height: 1, data: Uint8Array.of(0, 0, 1, 1) }, 0.5);
  assert.deepEqual(Array.from(m.data), [0, 1]);
  const ds = syntheticDataset({ count: 2, size: 64, classes: 2, seed: 1 });
  const half = scaleDataset(ds, 0.5);
  assert.equal(scaleDataset(ds, 1), ds);
  assert.deepEqual(half.classes, ds.classes);
  for (const [i, s] of half.samples.entries()) {
    assert.deepEqual([s.image.width, s.image.height, s.mask!.width, s.label], [
      32,
      32,
      32,
      ds.samples[i].label,
    ]);
    // The object keeps about its share of the image.
    const area = (d: Uint8Array) => d.reduce((a, b) => a + b, 0) / d.length;
    assert.ok(Math.abs(area(s.mask!.data) - area(ds.samples[i].mask!.data)) < 0.03);
  }
});
