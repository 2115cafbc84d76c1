// The whole-slide map against whole-image inference. First with a stand-in
// model whose class maps reach one cell around each cell (so tiles with an
// overlap of 64 give every cell exactly and the maps must match bit for
// bit), then with a tiny ResNet-18 with fixed random weights and calibrated
// BatchNorm (receptive field 435 px: cells 217 px or more inside their tile
// are exact), against `predict()` on the whole image.
import assert from "node:assert/strict";
import type { RgbImage } from "../data/image.ts";
import { cropBack, padAmounts, reflectIndex } from "../data/padding.ts";
import { syntheticDataset } from "../data/synthetic.ts";
import { initBackend } from "../backend/backend.ts";
import { PRESETS } from "../config/presets.ts";
import { withOverrides } from "../config/validate_config.ts";
import { calibratedLocalizer } from "../_testing/calibrated_net.ts";
import { fixtureImage } from "../_testing/slide_fixtures.ts";
import { type ClassMaps, imageMap, type MapHead } from "../model/class_maps.ts";
import { makePrediction } from "../inference/prediction.ts";
import { memorySlide } from "./slide.ts";
import { localizeSlide, type SlideModel } from "./localize_slide.ts";
import { planGridTiles } from "./grid_tiles.ts";
import { setWinogradMode } from "../backend/wasm_kernels/winograd.ts";

const HEAD: MapHead = {
  kmax: 0.09,
  upsample: "align-corners",
  output: { kind: "pseudo-binary", w: 8, sigma: 0.5 },
};

/** Reflect-pads to multiples of 32, as whole-image inference does. */
function padded(image: RgbImage): RgbImage {
  const [top, bottom] = padAmounts(image.height), [left, right] = padAmounts(image.width);
  const width = image.width + left + right, height = image.height + top + bottom;
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const s = (reflectIndex(y - top, image.height) * image.width +
        reflectIndex(x - left, image.width)) * 3;
      data.set(image.data.subarray(s, s + 3), (y * width + x) * 3);
    }
  }
  return { width, height, data };
}

/**
 * Class maps that reach one cell around: class 0 is the mean redness of the
 * 3x3 cells around a cell, class 1 its mean greenness, zero past the input's
 * edges (as a convolution's zero padding).
 */
function localModel(): SlideModel & { classMaps(image: RgbImage): Promise<ClassMaps> } {
  const classMaps = (image: RgbImage): Promise<ClassMaps> => {
    const p = padded(image);
    const h = p.height / 32, w = p.width / 32;
    const own = new Float32Array(2 * h * w);
    for (let y = 0; y < p.height; y++) {
      for (let x = 0; x < p.width; x++) {
        const i = Math.floor(y / 32) * w + Math.floor(x / 32), d = (y * p.width + x) * 3;
        own[i] += p.data[d] / (255 * 1024);
        own[h * w + i] += p.data[d + 1] / (255 * 1024);
      }
    }
    const maps = new Float32Array(2 * h * w);
    for (let c = 0; c < 2; c++) {
      for (let y = 0; y < h; y++) {
        for (let x = 0; x < w; x++) {
          let s = 0;
          for (let dy = -1; dy <= 1; dy++) {
            for (let dx = -1; dx <= 1; dx++) {
              const yy = y + dy, xx = x + dx;
              if (yy >= 0 && xx >= 0 && yy < h && xx < w) s += own[c * h * w + yy * w + xx];
            }
          }
          maps[c * h * w + y * w + x] = s / 9;
        }
      }
    }
    return Promise.resolve({
      maps,
      classes: 2,
      height: h,
      width: w,
      stride: 32,
      inputHeight: p.height,
      inputWidth: p.width,
      head: HEAD,
    });
  };
  return {
    classes: ["red", "green"],
    threshold: 0.5,
    method: "minmax",
    classMaps,
    async predict(image: RgbImage) {
      const cm = await classMaps(image);
      const { map, scores } = imageMap(cm);
      return makePrediction({
        width: image.width,
        height: image.height,
        mask: cropBack(map, cm.inputHeight, cm.inputWidth, image.height, image.width),
        logits: scores,
        classes: ["red", "green"],
        threshold: 0.5,
      });
    },
  };
}

async function tiledMap(
  image: RgbImage,
  model: SlideModel,
  tile: number,
  overlap: number,
): Promise<{ map: Float32Array; summary: Awaited<ReturnType<typeof localizeSlide>>["summary"] }> {
  const map = new Float32Array(image.width * image.height);
  const r = await localizeSlide(memorySlide(image, "fixture"), model, {
    tile,
    overlap,
    mapFactor: 1,
    tissue: false,
    thumbnail: 64,
    onMapRow: (y, v) => map.set(v, y * image.width),
  });
  return { map, summary: r.summary };
}

Deno.test("whole-slide map of a local model: exactly the whole image's map beyond its reach", async () => {
  // 700 x 500: padded to 704 x 512 (2 and 2 px of reflection left and right, 6 top and bottom).
  const image = fixtureImage(700, 500);
  const model = localModel();
  const whole = (await model.predict(image)).mask;
  const { map, summary } = await tiledMap(image, model, 256, 64);
  assert.equal(summary.map.method, "whole-slide");
  assert.equal(summary.map.tileMargin, 32);
  assert.deepEqual(summary.warnings, []);
  assert.match(summary.slideClass.rule, /top 32 of the 352 analysed cells/); // 22 x 16 cells, round(0.09 x 352)
  assert.ok(summary.tiles.analysed > 4);
  // Every cell is one cell or more inside its tile: the maps are the same to the bit.
  assert.deepEqual(map, whole);
  // Without overlap, cells at tile borders see the tile's zero padding.
  const seams = (await tiledMap(image, model, 256, 0)).map;
  let differ = 0;
  for (let i = 0; i < whole.length; i++) if (Math.abs(seams[i] - whole[i]) > 1e-6) differ++;
  assert.ok(differ > 0.01 * whole.length, `only ${differ} pixels differ without overlap`);
});

Deno.test("whole-slide map: skipped glass tiles are left out of the pooling, the range and the map", async () => {
  const image = fixtureImage(900, 600);
  const model = localModel();
  const r = await localizeSlide(memorySlide(image, "fixture"), model, {
    tile: 128,
    overlap: 32,
    mapFactor: 1,
    thumbnail: 300,
  });
  const s = r.summary;
  assert.equal(s.map.method, "whole-slide");
  assert.ok(s.tiles.skipped > 0 && s.tiles.analysed > 0);
  assert.match(s.map.detail, /cells of skipped tiles are left out/);
  assert.equal(s.mask.limitedToTissue, false);
  const cells = Number(/of the (\d+) analysed cells/.exec(s.slideClass.rule)![1]);
  assert.ok(cells < (928 / 32) * (608 / 32), `${cells} cells pooled`);
  // Per tile on request: the same run blends predict() maps, with a warning.
  const perTile = await localizeSlide(memorySlide(image, "fixture"), model, {
    tile: 128,
    overlap: 32,
    mapFactor: 1,
    thumbnail: 300,
    perTile: true,
  });
  assert.equal(perTile.summary.map.method, "per-tile");
  assert.match(perTile.summary.warnings[0], /per-tile maps were requested/);
});

Deno.test("whole-slide map: tiles and overlaps off the 32-pixel grid are refused by name", async () => {
  const image = fixtureImage(300, 200);
  await assert.rejects(
    localizeSlide(memorySlide(image, "f"), localModel(), { tile: 200, overlap: 64 }),
    (e: Error & { option?: string }) =>
      e.option === "tile" && /multiple of 32, got 200: the whole-slide map/.test(e.message),
  );
  await assert.rejects(
    localizeSlide(memorySlide(image, "f"), localModel(), { tile: 256, overlap: 48 }),
    (e: Error & { option?: string }) => e.option === "overlap",
  );
});

/** A 950 x 730 mosaic of synthetic test images (padded to 960 x 736). */
function mosaic(): RgbImage {
  const W = 950, H = 730, S = 128;
  const ds = syntheticDataset({ count: 48, size: S, classes: 2, seed: 11 });
  const data = new Uint8Array(W * H * 3).fill(240);
  for (let k = 0; k < 48; k++) {
    const ox = (k % 8) * S, oy = Math.floor(k / 8) * S;
    const im = ds.samples[k].image;
    for (let y = 0; y < S && oy + y < H; y++) {
      const n = Math.min(S, W - ox);
      if (n > 0) data.set(im.data.subarray(3 * y * S, 3 * (y * S + n)), 3 * ((oy + y) * W + ox));
    }
  }
  return { width: W, height: H, data };
}

Deno.test("whole-slide map of a tiny ResNet-18 equals predict() on the whole image", async () => {
  await initBackend("wasm");
  const config = withOverrides(PRESETS.cpu, { width: 0.0625, modalities: 2 });
  const localizer = calibratedLocalizer(config, ["a", "b"], 3);
  const image = mosaic();
  // Winograd's rounding depends on where its output tiles fall. The tiles
  // start 256 px apart, a multiple of 4 cells at every stride, so F(4x4)'s
  // tiles line up between a slide tile and the whole image; F(6x6)'s, which
  // inference takes on the wider layers, do not (R+ then differs by about
  // 2e-5). F(4x4) here, so that the comparison isolates the tiling.
  const previous = setWinogradMode(4);
  let p, exact, plan;
  try {
    p = await localizer.predict(image);
    // Tiles of 704 overlapping by 448 (2 x 2): every cell lies 224 px or more
    // inside its tile, past the 217 px a ResNet-18 cell's receptive field reaches.
    plan = planGridTiles(image.width, image.height, 704, 448);
    exact = await tiledMap(image, localizer, 704, 448);
  } finally {
    setWinogradMode(previous);
  }
  assert.equal(plan.margin, 224);
  assert.equal(exact.summary.tiles.analysed, 4);
  let worst = 0, flips = 0;
  for (let i = 0; i < p.mask.length; i++) {
    const d = Math.abs(exact.map[i] - p.mask[i]);
    worst = Math.max(worst, d);
    // A pixel may only change sides within float noise of the threshold.
    if ((exact.map[i] >= 0.5) !== (p.mask[i] >= 0.5) && Math.abs(p.mask[i] - 0.5) > 1e-5) flips++;
  }
  // The convolutions see the same inputs; what differs is float32 rounding of
  // the image-level steps done in another order (top-k sum, softmax): about 1e-6.
  assert.ok(worst < 1e-5, `R+ differs from predict's by ${worst}`);
  assert.equal(flips, 0);
  assert.deepEqual(
    Object.values(exact.summary.slideClass.probabilities).map((v) => v.toFixed(4)),
    p.localizerProbabilities.map((v) => v.toFixed(4)),
  );
  // Within the receptive field of tile borders the class maps differ: with
  // tiles of 256 overlapping by 64 the map is close but not the same.
  const near = await tiledMap(image, localizer, 256, 64);
  let diff = 0;
  for (let i = 0; i < p.mask.length; i++) diff = Math.max(diff, Math.abs(near.map[i] - p.mask[i]));
  assert.ok(diff > 1e-4, `tiles of 256 agree to ${diff}: the margin test above proves nothing`);
  localizer.dispose();
});
