import assert from "node:assert/strict";
import { syntheticDataset } from "./synthetic.ts";

Deno.test("synthetic data is deterministic in its seed and balanced", () => {
  const a = syntheticDataset({ count: 6, size: 48, classes: 3, seed: 11 });
  const b = syntheticDataset({ count: 6, size: 48, classes: 3, seed: 11 });
  const c = syntheticDataset({ count: 6, size: 48, classes: 3, seed: 12 });
  assert.deepEqual(a, b);
  assert.notDeepEqual(a.samples[0].image.data, c.samples[0].image.data);
  assert.deepEqual(a.classes, ["stripes", "dots", "checker"]);
  assert.deepEqual(a.samples.map((s) => s.label), [0, 1, 2, 0, 1, 2]);
});

Deno.test("synthetic masks are exact: object pixels carry the class texture, the rest do not", () => {
  const ds = syntheticDataset({ count: 8, size: 64, classes: 2, seed: 3 });
  for (const s of ds.samples) {
    const m = s.mask!.data;
    const fg = m.reduce((x, y) => x + y, 0);
    assert.ok(fg > 0.04 * m.length && fg < 0.6 * m.length, `foreground fraction ${fg / m.length}`);
    // The mask is a union of filled blobs: its pixels form few connected rows.
    let inside = 0;
    for (let y = 1; y < 63; y++) {
      for (let x = 1; x < 63; x++) {
        const i = y * 64 + x;
        if (m[i] && m[i - 1] && m[i + 1] && m[i - 64] && m[i + 64]) inside++;
      }
    }
    assert.ok(inside > 0.6 * fg, "mask is solid, not speckled");
  }
  assert.throws(
    () => syntheticDataset({ count: 1, size: 64, classes: 5, seed: 0 }),
    /2 to 4 classes/,
  );
});
