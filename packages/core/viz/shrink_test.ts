import assert from "node:assert/strict";
import { shrinkToWidth } from "./shrink.ts";

Deno.test("shrinking averages whole blocks, and partial ones at the edges", () => {
  // 5x2, one channel pattern repeated over RGB: columns 0..4 hold 0, 10, 20, 30, 40 (row 0)
  // and 100, 110, 120, 130, 140 (row 1).
  const data = new Uint8Array(5 * 2 * 3);
  for (let y = 0; y < 2; y++) {
    for (let x = 0; x < 5; x++) data.fill(100 * y + 10 * x, 3 * (y * 5 + x), 3 * (y * 5 + x) + 3);
  }
  const small = shrinkToWidth({ width: 5, height: 2, data }, 3); // factor 2
  assert.deepEqual([small.width, small.height], [3, 1]);
  // Blocks: (0,10,100,110) -> 55, (20,30,120,130) -> 75, (40,140) -> 90.
  assert.deepEqual(Array.from(small.data.filter((_, i) => i % 3 === 0)), [55, 75, 90]);
  const same = { width: 3, height: 1, data: new Uint8Array(9) };
  assert.equal(shrinkToWidth(same, 3), same);
});
