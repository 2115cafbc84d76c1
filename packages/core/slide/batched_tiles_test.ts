// Batched class maps and decode workers give what one tile at a time on the
// main thread gives: the network's batch, the grouping of tissue tiles into
// batches, reading ahead, and tile decoding in worker threads.
import assert from "node:assert/strict";
import { initBackend } from "../backend/backend.ts";
import { tf } from "../backend/tf.ts";
import { PRESETS } from "../config/presets.ts";
import { withOverrides } from "../config/validate_config.ts";
import type { RgbImage } from "../data/image.ts";
import { calibratedLocalizer } from "../_testing/calibrated_net.ts";
import { fixtureImage, hasVips, levelZero, vipsSlide } from "../_testing/slide_fixtures.ts";
import type { ClassMaps } from "../model/class_maps.ts";
import { planGridTiles } from "./grid_tiles.ts";
import { localizeSlide } from "./localize_slide.ts";
import { memorySlide } from "./slide.ts";
import { openTiffSlide } from "./tiff_slide.ts";
import { type ClassMapModel, runGridTiles } from "./whole_slide_tiles.ts";

/** Largest difference between two arrays, relative to the largest magnitude in `a`. */
function relativeGap(a: Float32Array, b: Float32Array): number {
  assert.equal(a.length, b.length);
  let gap = 0, scale = 0;
  for (let i = 0; i < a.length; i++) {
    gap = Math.max(gap, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(a[i]));
  }
  return gap / scale;
}

function crop(image: RgbImage, x: number, y: number, w: number, h: number): RgbImage {
  const data = new Uint8Array(w * h * 3);
  for (let j = 0; j < h; j++) {
    data.set(
      image.data.subarray(3 * ((y + j) * image.width + x), 3 * ((y + j) * image.width + x + w)),
      3 * j * w,
    );
  }
  return { width: w, height: h, data };
}

Deno.test("tfjs: class maps of a batch equal the class maps of each tile alone", async () => {
  await initBackend("wasm");
  const config = withOverrides(PRESETS.cpu, { width: 0.0625, modalities: 2 });
  const localizer = calibratedLocalizer(config, ["a", "b"], 3);
  const image = fixtureImage(600, 400, 5);
  const tiles = [
    crop(image, 0, 0, 224, 200),
    crop(image, 300, 150, 224, 200),
    crop(image, 370, 190, 224, 200),
  ];
  const before = tf.memory().numTensors;
  const batched = await localizer.classMapsBatch!(tiles);
  assert.equal(tf.memory().numTensors, before, "a batch leaks no tensor");
  assert.equal(batched.length, 3);
  for (let i = 0; i < tiles.length; i++) {
    const alone = await localizer.classMaps!(tiles[i]);
    const { maps, ...shape } = batched[i];
    const { maps: aloneMaps, ...aloneShape } = alone;
    assert.deepEqual(shape, aloneShape);
    // The same convolutions on the same inputs; a batch may only block the
    // matrix products differently, which reorders float32 sums (a few ulps of
    // the largest values: relative 1e-6 would already be ~10 ulps).
    const gap = relativeGap(aloneMaps, maps);
    assert.ok(gap <= 1e-6, `tile ${i}: batched maps differ by ${gap} (relative)`);
  }
  // Distinct tiles give distinct maps: the test above could fail.
  assert.ok(relativeGap(batched[0].maps, batched[1].maps) > 1e-3);
  await assert.rejects(
    localizer.classMapsBatch!([tiles[0], crop(image, 0, 0, 256, 200)]),
    /one size/,
  );
  await localizer.dispose();
});

/** A stand-in model: each cell is the mean red of its 32x32 block; records the batches it ran. */
function recordingModel(batches: number[]): ClassMapModel {
  const one = (image: RgbImage): ClassMaps => {
    const h = Math.ceil(image.height / 32), w = Math.ceil(image.width / 32);
    const maps = new Float32Array(2 * h * w);
    for (let y = 0; y < image.height; y++) {
      for (let x = 0; x < image.width; x++) {
        const i = Math.floor(y / 32) * w + Math.floor(x / 32);
        maps[i] += image.data[3 * (y * image.width + x)] / 1024;
        maps[h * w + i] += image.data[3 * (y * image.width + x) + 1] / 1024;
      }
    }
    return {
      maps,
      classes: 2,
      height: h,
      width: w,
      stride: 32,
      inputHeight: h * 32,
      inputWidth: w * 32,
      head: { kmax: 0.1, upsample: "align-corners", output: { kind: "normalized" } },
    };
  };
  return {
    classes: ["red", "green"],
    classMaps: (image) => {
      batches.push(1);
      return Promise.resolve(one(image));
    },
    classMapsBatch: (images) => {
      batches.push(images.length);
      return Promise.resolve(images.map(one));
    },
  };
}

Deno.test("runGridTiles: batches of tissue tiles, read ahead or not, stitch what one at a time stitches", async () => {
  const image = fixtureImage(900, 700, 2);
  const slide = memorySlide(image, "fixture");
  const grid = levelZero(900, 700);
  const plan = planGridTiles(900, 700, 256, 64);
  // Every third tile is glass: batches are cut by tissue tiles, not grid tiles.
  const tissue = (r: { x: number; y: number }) => (r.x + 3 * r.y) % 3 !== 0 || r.x > 500;
  const run = async (batch: number, readAhead: boolean) => {
    const batches: number[] = [];
    const progress: number[] = [];
    const r = await runGridTiles(
      slide,
      recordingModel(batches),
      grid,
      plan,
      tissue,
      (done, analysed) => progress.push(done * 1000 + analysed),
      { batch, readAhead },
    );
    return { r, batches, progress };
  };
  const alone = await run(1, false);
  const analysed = alone.r.analysed;
  assert.ok(analysed > 4 && analysed < plan.count, `${analysed} of ${plan.count} analysed`);
  assert.deepEqual(alone.batches, new Array(analysed).fill(1));
  for (const [batch, readAhead] of [[3, false], [3, true], [4, true], [64, false]] as const) {
    const b = await run(batch, readAhead);
    const sizes = new Array(Math.floor(analysed / batch)).fill(batch);
    if (analysed % batch) sizes.push(analysed % batch);
    // A last batch of one tile goes through classMaps.
    assert.deepEqual(b.batches, sizes, `batch ${batch}`);
    assert.equal(b.r.analysed, analysed);
    assert.deepEqual(b.r.votes, alone.r.votes);
    assert.deepEqual(b.progress, alone.progress, "progress after every tile, in order");
    assert.deepEqual(b.r.mosaic!.maps, alone.r.mosaic!.maps);
  }
});

Deno.test("localizeSlide with a tiny ResNet-18: batch 3 gives batch 1's map and class", async () => {
  await initBackend("wasm");
  const config = withOverrides(PRESETS.cpu, { width: 0.0625, modalities: 2 });
  const localizer = calibratedLocalizer(config, ["a", "b"], 4);
  const image = fixtureImage(700, 500, 3);
  const map = async (batch: number) => {
    const m = new Float32Array(700 * 500);
    const r = await localizeSlide(memorySlide(image, "f"), localizer, {
      tile: 256,
      overlap: 64,
      mapFactor: 1,
      tissue: false,
      thumbnail: 64,
      batch,
      onMapRow: (y, v) => m.set(v, y * 700),
    });
    return { m, s: r.summary };
  };
  const one = await map(1), three = await map(3);
  assert.equal(one.s.tiles.batch, 1);
  assert.equal(three.s.tiles.batch, 3);
  assert.equal(three.s.tiles.analysed, 12);
  // R+ is a sigmoid of the min-max normalised map: class maps equal to ~1e-6
  // relative move it by about w (8) times that.
  let worst = 0;
  for (let i = 0; i < one.m.length; i++) worst = Math.max(worst, Math.abs(one.m[i] - three.m[i]));
  assert.ok(worst < 1e-5, `R+ differs by ${worst}`);
  assert.deepEqual(three.s.slideClass.tileVotes, one.s.slideClass.tileVotes);
  await assert.rejects(
    localizeSlide(memorySlide(image, "f"), localizer, { tile: 256, overlap: 64, batch: 0 }),
    (e: Error & { option?: string }) => e.option === "batch",
  );
  await localizer.dispose();
});

Deno.test({
  name: "openTiffSlide with decode workers reads the pixels the main thread reads",
  ignore: !hasVips(),
  async fn() {
    const dir = await Deno.makeTempDir();
    try {
      const image = fixtureImage(700, 500, 4);
      for (const [compression, quality] of [["jpeg", 80], ["lzw", 0]] as const) {
        const path = await vipsSlide(dir, `${compression}.tif`, image, { compression, quality });
        const bytes = await Deno.readFile(path);
        const read = (offset: number, length: number) =>
          Promise.resolve(bytes.subarray(offset, offset + length));
        const main = await openTiffSlide(read, path);
        const pooled = await openTiffSlide(read, path, { decodeWorkers: 2 });
        assert.equal(pooled.decodeWorkers, 2);
        try {
          const regions = [[0, 0, 700, 500], [130, 70, 300, 260], [600, 400, 200, 200]];
          const got = await Promise.all(
            regions.map(([x, y, w, h]) => pooled.readRegion(0, x, y, w, h)),
          );
          for (let i = 0; i < regions.length; i++) {
            const [x, y, w, h] = regions[i];
            assert.deepEqual(got[i].data, (await main.readRegion(0, x, y, w, h)).data);
          }
        } finally {
          await pooled.close();
          await main.close();
        }
      }
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test("runGridTiles: a tile read ahead that fails rejects the run with its error", async () => {
  const image = fixtureImage(600, 400, 2);
  const good = memorySlide(image, "fixture");
  let reads = 0;
  const slide = {
    ...good,
    readRegion: (level: number, x: number, y: number, w: number, h: number) =>
      ++reads === 3
        ? Promise.reject(new Error("damaged tile"))
        : good.readRegion(level, x, y, w, h),
  };
  const grid = levelZero(600, 400);
  const plan = planGridTiles(600, 400, 128, 32);
  // A model that lets the event loop turn while it runs, as real runtimes do.
  const inner = recordingModel([]);
  const model: ClassMapModel = {
    classes: inner.classes,
    classMaps: inner.classMaps,
    classMapsBatch: async (images) => {
      await new Promise((r) => setTimeout(r, 5));
      return await inner.classMapsBatch!(images);
    },
  };
  await assert.rejects(
    runGridTiles(slide, model, grid, plan, () => true, undefined, {
      batch: 2,
      readAhead: true,
    }),
    /damaged tile/,
  );
});
