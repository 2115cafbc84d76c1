// The per-tile map with the next tile read while the model runs: the same map, votes and progress
// as reading one tile at a time, at most one read ahead, and a read that fails reports its error.
import assert from "node:assert/strict";
import type { RgbImage } from "../data/image.ts";
import { makePrediction } from "../inference/prediction.ts";
import { fixtureImage, levelZero } from "../_testing/slide_fixtures.ts";
import { perTileMap, type PredictModel } from "./per_tile_map.ts";
import { memorySlide, type Slide } from "./slide.ts";

/** A model whose map is the tile's red channel, which yields to the event loop while it runs. */
const redModel: PredictModel = {
  classes: ["a", "b"],
  async predict(image: RgbImage) {
    await new Promise((r) => setTimeout(r, 2));
    const mask = new Float32Array(image.width * image.height);
    let sum = 0;
    for (let i = 0; i < mask.length; i++) sum += mask[i] = image.data[3 * i] / 255;
    const mean = sum / mask.length;
    return makePrediction({
      width: image.width,
      height: image.height,
      mask,
      logits: [mean, 1 - mean],
      classes: ["a", "b"],
      threshold: 0.5,
    });
  },
};

/** The slide, counting the reads in flight at once. */
function countingSlide(image: RgbImage, failAt = 0) {
  const inner = memorySlide(image, "fixture");
  const seen = { reads: 0, inFlight: 0, most: 0 };
  const slide: Slide = {
    ...inner,
    async readRegion(level, x, y, w, h) {
      const n = ++seen.reads;
      seen.most = Math.max(seen.most, ++seen.inFlight);
      try {
        await new Promise((r) => setTimeout(r, 1));
        if (n === failAt) throw new Error("damaged tile");
        return await inner.readRegion(level, x, y, w, h);
      } finally {
        seen.inFlight--;
      }
    },
  };
  return { slide, seen };
}

async function run(readAhead: boolean, failAt = 0) {
  const image = fixtureImage(700, 500, 3);
  const { slide, seen } = countingSlide(image, failAt);
  const rows: number[] = [];
  const progress: number[] = [];
  // Every third tile is glass, so a read ahead skips to the next tissue tile.
  let k = 0;
  const tissue = () => k++ % 3 !== 1;
  const r = await perTileMap(
    slide,
    redModel,
    levelZero(700, 500),
    { tile: 160, overlap: 32, factor: 4, readAhead },
    tissue,
    (_y, values) => void rows.push(...values),
    (done, analysed) => progress.push(done * 1000 + analysed),
  );
  return { r, rows, progress, seen };
}

Deno.test("per-tile map: reading ahead gives the same map, votes and progress", async () => {
  const alone = await run(false);
  assert.equal(alone.seen.most, 1);
  assert.ok(alone.r.analysed > 4 && alone.r.analysed < alone.r.total);
  const ahead = await run(true);
  assert.equal(ahead.seen.most, 2, "the next tile is read while the model runs");
  assert.equal(ahead.seen.reads, alone.seen.reads, "every tissue tile read once, no more");
  assert.deepEqual(ahead.rows, alone.rows);
  assert.deepEqual(ahead.r.votes, alone.r.votes);
  assert.deepEqual(ahead.r.probabilities, alone.r.probabilities);
  assert.deepEqual(ahead.progress, alone.progress);
});

Deno.test("per-tile map: a tile read ahead that fails rejects the run with its error", async () => {
  await assert.rejects(run(true, 3), /damaged tile/);
});
