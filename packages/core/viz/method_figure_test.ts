import assert from "node:assert/strict";
import { methodFigure } from "./method_figure.ts";
import { figureGrid } from "./figure_grid.ts";
import { predictionFigure } from "./prediction_figure.ts";
import { colormap } from "./colormap.ts";
import { loadFont } from "./text.ts";

const blank = (w: number, h: number, v = 255) => ({
  width: w,
  height: h,
  data: new Uint8Array(w * h * 3).fill(v),
});
const px = (img: { width: number; data: Uint8Array }, x: number, y: number) =>
  Array.from(img.data.subarray(3 * (y * img.width + x), 3 * (y * img.width + x) + 3));
/** Where `color` first appears, scanning rows. */
function find(img: { width: number; height: number; data: Uint8Array }, color: number[]) {
  for (let y = 0; y < img.height; y++) {
    for (let x = 0; x < img.width; x++) {
      if (px(img, x, y).every((v, c) => v === color[c])) return [x, y];
    }
  }
  return null;
}

Deno.test("figureGrid puts each picture under its title and a turbo colour bar at the right", async () => {
  const font = await loadFont();
  const red = { width: 30, height: 20, data: new Uint8Array(600 * 3) };
  for (let i = 0; i < 600; i++) red.data.set([255, 0, 0], 3 * i);
  const green = { width: 30, height: 20, data: new Uint8Array(600 * 3) };
  for (let i = 0; i < 600; i++) green.data.set([0, 255, 0], 3 * i);
  const fig = figureGrid(font, ["left", "right"], [[red, green]], { colorbar: "R+" });
  const r = find(fig, [255, 0, 0])!, g = find(fig, [0, 255, 0])!;
  assert.ok(r !== null && g !== null);
  assert.equal(r[1], g[1], "one row");
  assert.ok(g[0] >= r[0] + 30, "the right column follows the left one");
  assert.ok(r[1] >= 14, "the pictures sit under a title row");
  // Title ink above each picture.
  const inkAbove = (x0: number) =>
    Array.from({ length: 30 * (r[1] - 2) }, (_, i) => px(fig, x0 + (i % 30), Math.floor(i / 30)))
      .some((p) => p[0] < 128);
  assert.ok(inkAbove(r[0]) && inkAbove(g[0]));
  // The bar (48 px, its first and last rows a border) runs from turbo(1) at the top to
  // turbo(0) at the bottom, right of the grid.
  const top = find(fig, colormap(1 - 1 / 47)), bottom = find(fig, colormap(1 / 47));
  assert.ok(top && bottom && top[0] > g[0] + 30 && bottom[1] > top[1], `${top} ${bottom}`);
  assert.throws(() => figureGrid(font, ["a"], [[red, green]]), /2 pictures for 1 columns/);
  assert.throws(() => figureGrid(font, ["a"], []), /at least one row/);
});

Deno.test("methodFigure: image, ground truth, each method's map outlined at the threshold", async () => {
  const font = await loadFont();
  const image = blank(40, 30, 100);
  const gt = new Uint8Array(40 * 30);
  const left = Float32Array.from({ length: 40 * 30 }, (_, i) => (i % 40) < 20 ? 1 : 0);
  const fig = methodFigure(font, ["A", "B"], [{ image, gt, maps: [left, new Float32Array(1200)] }]);
  // The mask's outline is white, and only method A has a mask.
  let white = 0;
  for (let y = 0; y < fig.height; y++) {
    for (let x = 0; x < fig.width; x++) if (px(fig, x, y).every((v) => v === 255)) white++;
  }
  const noMask = methodFigure(font, ["A", "B"], [{
    image,
    gt,
    maps: [new Float32Array(1200), new Float32Array(1200)],
  }]);
  let whiteNoMask = 0;
  for (let y = 0; y < noMask.height; y++) {
    for (let x = 0; x < noMask.width; x++) {
      if (px(noMask, x, y).every((v) => v === 255)) whiteNoMask++;
    }
  }
  // A's 20x30 mask outline: 2 * 20 + 2 * 28 = 96 boundary pixels.
  assert.equal(white - whiteNoMask, 96);
  assert.deepEqual([fig.width, fig.height], [noMask.width, noMask.height]);
  const small = methodFigure(font, ["A"], [{ image, gt, maps: [left] }], { panelWidth: 20 });
  assert.ok(find(small, [100, 100, 100]) !== null, "the shrunk image is there");
  const wide = methodFigure(font, ["A"], [{ image, gt, maps: [left] }]);
  assert.ok(small.width < wide.width, "panels wider than panelWidth shrink");
  assert.throws(() => methodFigure(font, ["A"], [{ image, gt, maps: [] }]), /1 methods/);
  assert.throws(() => methodFigure(font, ["A"], []), /at least one image/);
});

Deno.test("predictionFigure shrinks every panel by the one factor it is given", async () => {
  const font = await loadFont();
  const image = blank(200, 60, 100);
  const scores = new Float32Array(200 * 60);
  const full = predictionFigure(font, image, null, scores, new Uint8Array(200 * 60));
  const half = predictionFigure(font, image, null, scores, new Uint8Array(200 * 60), { shrink: 2 });
  // Three panels, 200 or 100 wide (wider than their titles): the width falls by 3 * 100.
  assert.equal(full.width - half.width, 300);
});
