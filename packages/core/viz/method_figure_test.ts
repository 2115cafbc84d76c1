import assert from "node:assert/strict";
import { drawText, textWidth } from "./bitmap_font.ts";
import { methodFigure } from "./method_figure.ts";

const blank = (w: number, h: number, v = 255) => ({
  width: w,
  height: h,
  data: new Uint8Array(w * h * 3).fill(v),
});

Deno.test("drawText draws the glyph's pixels and nothing beyond its width", () => {
  const img = blank(20, 9);
  drawText(img, "-", 1, 1, [0, 0, 0]);
  const dark = [];
  for (let i = 0; i < 20 * 9; i++) {
    if (img.data[3 * i] === 0) dark.push([i % 20, Math.floor(i / 20)]);
  }
  // "-" is the middle row, five pixels wide.
  assert.deepEqual(dark, [[1, 4], [2, 4], [3, 4], [4, 4], [5, 4]]);
  assert.equal(textWidth("AB"), 11);
  assert.equal(textWidth("AB", 2), 22);
});

Deno.test("methodFigure lays out labels and one panel per column, maps outlined at the threshold", () => {
  const image = blank(40, 30, 100);
  const gt = new Uint8Array(40 * 30);
  const left = Float32Array.from({ length: 40 * 30 }, (_, i) => (i % 40) < 20 ? 1 : 0);
  const fig = methodFigure(["A", "B"], [{ image, gt, maps: [left, new Float32Array(40 * 30)] }]);
  // The label "ground truth" (71 px) is wider than the panels and sets the column width.
  const col = textWidth("ground truth") + 4;
  assert.equal(fig.width, 4 * col + 3 * 4);
  assert.equal(fig.height, 15 + 30);
  const small = methodFigure(["A"], [{ image, gt, maps: [left] }], { panelWidth: 20 });
  assert.equal(small.height, 15 + 15, "panels wider than panelWidth shrink by a whole factor");
  const px = (x: number, y: number) =>
    Array.from(fig.data.subarray(3 * (y * fig.width + x), 3 * (y * fig.width + x) + 3));
  // The first panel is the (shrunk) image itself.
  assert.deepEqual(px(5, 20), [100, 100, 100]);
  // Method A's mask edge (white outline) runs down its middle column; method B has none.
  const a0 = 2 * (col + 4), b0 = 3 * (col + 4);
  let outlineA = 0, outlineB = 0;
  for (let y = 15; y < 45; y++) {
    for (let x = 0; x < 40; x++) {
      if (px(a0 + x, y).every((v) => v === 255)) outlineA++;
      if (px(b0 + x, y).every((v) => v === 255)) outlineB++;
    }
  }
  assert.ok(outlineA > 0 && outlineB === 0, `${outlineA} ${outlineB}`);
  assert.throws(() => methodFigure(["A"], [{ image, gt, maps: [] }]), /1 methods/);
  assert.throws(() => methodFigure(["A"], []), /at least one image/);
});
