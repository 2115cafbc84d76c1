// The slide pipeline with a stand-in model whose map is local (a box mean of
// the red channel, clamped at the input's edges): tiled inference with
// overlap and blending must then equal whole-image inference everywhere
// except within the box radius of a tile's inner edges. Also: background
// tiles are skipped and said so, and every output is produced.
import assert from "node:assert/strict";
import { makePrediction } from "../inference/prediction.ts";
import type { RgbImage } from "../data/image.ts";
import { fixtureImage } from "../_testing/slide_fixtures.ts";
import { memorySlide } from "./slide.ts";
import { localizeSlide, type SlideModel } from "./localize_slide.ts";
import { planTiles } from "./tiling.ts";

const RADIUS = 3;

/** Box mean of (255 - red) / 255 over (2R+1)^2, the box clamped to the input. */
function localModel(): SlideModel & { calls: number } {
  const m = {
    classes: ["a", "b"] as const,
    threshold: 0.5,
    calls: 0,
    predict(image: RgbImage) {
      m.calls++;
      const { width: w, height: h, data } = image;
      const mask = new Float32Array(w * h);
      for (let y = 0; y < h; y++) {
        for (let x = 0; x < w; x++) {
          let s = 0, n = 0;
          for (let dy = -RADIUS; dy <= RADIUS; dy++) {
            for (let dx = -RADIUS; dx <= RADIUS; dx++) {
              const xx = x + dx, yy = y + dy;
              if (xx < 0 || yy < 0 || xx >= w || yy >= h) continue;
              s += 255 - data[3 * (yy * w + xx)];
              n++;
            }
          }
          mask[y * w + x] = s / n / 255;
        }
      }
      return Promise.resolve(makePrediction({
        width: w,
        height: h,
        mask,
        logits: [0, 1],
        classes: m.classes,
        threshold: m.threshold,
      }));
    },
  };
  return m;
}

Deno.test("seam: tiled inference equals whole-image inference away from tile borders", async () => {
  const image = fixtureImage(700, 500);
  const model = localModel();
  const whole = (await model.predict(image)).mask;
  const tiled = new Float32Array(700 * 500);
  const tile = 200, overlap = 48;
  await localizeSlide(memorySlide(image, "fixture"), model, {
    tile,
    overlap,
    mapFactor: 1,
    tissue: false,
    thumbnail: 64,
    onMapRow: (y, v) => tiled.set(v, y * 700),
  });
  // Pixels within RADIUS of an inner edge of any tile that covers them may see
  // the tile's clamped box: that is the stated margin.
  const near = new Uint8Array(700 * 500);
  for (const t of planTiles(700, 500, tile, overlap).rows.flat()) {
    for (let y = t.y; y < t.y + t.height; y++) {
      for (let x = t.x; x < t.x + t.width; x++) {
        const inner = (t.x > 0 && x < t.x + RADIUS) ||
          (t.x + t.width < 700 && x >= t.x + t.width - RADIUS) ||
          (t.y > 0 && y < t.y + RADIUS) || (t.y + t.height < 500 && y >= t.y + t.height - RADIUS);
        if (inner) near[y * 700 + x] = 1;
      }
    }
  }
  let worst = 0, differing = 0, margin = 0;
  for (let i = 0; i < whole.length; i++) {
    const d = Math.abs(tiled[i] - whole[i]);
    if (near[i]) {
      margin++;
      if (d > 1e-5) differing++;
      continue;
    }
    worst = Math.max(worst, d);
    // Same binary mask outside the margin.
    assert.equal(tiled[i] >= 0.5, whole[i] >= 0.5, `pixel ${i}`);
  }
  // Float32 weighted sums divided by their weights: a few ulps of values <= 1.
  assert.ok(worst < 1e-5, `largest difference outside the margin ${worst}`);
  // The margin holds real seams (tiles clamp their boxes there), so the check above can fail.
  assert.ok(differing > 0, "no pixel in the margin differs: the margin is not where seams are");
  assert.ok(margin < 0.15 * whole.length);
});

Deno.test("background tiles are skipped, not predicted, and counted in the summary", async () => {
  const image = fixtureImage(900, 600);
  const model = localModel();
  const r = await localizeSlide(memorySlide(image, "fixture"), model, {
    tile: 128,
    overlap: 16,
    thumbnail: 300,
  });
  const s = r.summary;
  assert.equal(s.tiles.total, planTiles(900, 600, 128, 16).count);
  assert.ok(s.tiles.skipped > 0 && s.tiles.analysed > 0);
  assert.equal(s.tiles.analysed + s.tiles.skipped, s.tiles.total);
  assert.equal(model.calls, s.tiles.analysed);
  assert.ok(s.tissue.fraction! > 0.2 && s.tissue.fraction! < 0.5, `tissue ${s.tissue.fraction}`);
  assert.equal(s.slideClass.name, "b");
  assert.equal(s.mask.areaMm2, null); // no scale recorded
  assert.equal(r.heatmap.width, 300);
  assert.equal(r.overlay.height, 200);
  assert.ok(r.geojson.features.length > 0);
});

Deno.test("the mask keeps to the tissue even where a tile's map marks glass", async () => {
  const image = fixtureImage(600, 400);
  // A map of ones: what a per-tile normalised map can give a tile that is mostly glass.
  const ones: SlideModel = {
    classes: ["a", "b"],
    threshold: 0.5,
    predict: (im) =>
      Promise.resolve(makePrediction({
        width: im.width,
        height: im.height,
        mask: new Float32Array(im.width * im.height).fill(1),
        logits: [1, 0],
        classes: ["a", "b"],
        threshold: 0.5,
      })),
  };
  const slide = memorySlide(image, "fixture");
  // minTissue 0: every tile runs, so that the mask can be compared with the whole tissue mask.
  const on = await localizeSlide(slide, ones, {
    tile: 128,
    overlap: 16,
    mapFactor: 1,
    thumbnail: 600,
    minTissue: 0,
  });
  const off = await localizeSlide(slide, ones, {
    tile: 128,
    overlap: 16,
    mapFactor: 1,
    thumbnail: 600,
    tissue: false,
  });
  assert.equal(off.summary.mask.mapPixels, 600 * 400);
  assert.equal(off.summary.mask.limitedToTissue, false);
  // With tissue detection, the mask is exactly the tissue mask (thumbnail = slide here).
  const tissue = on.tissue!.data.reduce((a, b) => a + b, 0);
  assert.equal(on.summary.mask.mapPixels, tissue);
  assert.ok(on.summary.mask.limitedToTissue);
});
