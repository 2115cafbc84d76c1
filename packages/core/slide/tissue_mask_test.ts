import assert from "node:assert/strict";
import {
  otsuThreshold,
  readThumbnail,
  saturation,
  TissueCoverage,
  tissueMask,
} from "./tissue_mask.ts";
import { chooseLevel, SlideOptionError } from "./level_choice.ts";
import { memorySlide } from "./slide.ts";
import { fixtureImage, fixtureRegion } from "../_testing/slide_fixtures.ts";
import { resizeArea } from "./resample.ts";

Deno.test("otsuThreshold splits two modes between them", () => {
  const h = new Float64Array(256);
  for (let i = 0; i < 20; i++) h[5 + i] = 10, h[150 + i] = 4;
  const t = otsuThreshold(h);
  assert.ok(t >= 24 && t < 150, `threshold ${t}`);
  assert.equal(saturation(200, 100, 100), 128);
  assert.equal(saturation(0, 0, 0), 0);
});

Deno.test("tissueMask finds the fixture's stained regions on a thumbnail", async () => {
  const W = 800, H = 600;
  const slide = memorySlide(fixtureImage(W, H), "fixture");
  const thumb = await readThumbnail(slide, 200);
  assert.deepEqual([thumb.image.width, thumb.image.height], [200, 150]);
  const mask = tissueMask(thumb.image, thumb.downsample);
  let agree = 0;
  for (let y = 0; y < 150; y++) {
    for (let x = 0; x < 200; x++) {
      const truth = fixtureRegion(4 * x + 2, 4 * y + 2, W, H) > 0 ? 1 : 0;
      agree += mask.data[y * 200 + x] === truth ? 1 : 0;
    }
  }
  // Only thumbnail pixels that straddle a region's edge can disagree.
  assert.ok(agree / (200 * 150) > 0.98, `agreement ${agree / 30000}`);
  const cover = new TissueCoverage(mask);
  assert.equal(cover.fraction(0, 0, 100, 100), 0); // glass in the corner
  assert.ok(cover.fraction(0.65 * W, 0.6 * H, 0.85 * W, 0.85 * H) > 0.99); // inside region 2
});

Deno.test("tissueMask finds nothing on blank glass (the saturation floor)", () => {
  const img = fixtureImage(60, 40);
  img.data.fill(240);
  for (let i = 0; i < img.data.length; i += 7) img.data[i] = 236; // faint noise
  const mask = tissueMask(img, { x: 1, y: 1 });
  assert.equal(mask.fraction, 0);
});

Deno.test("resizeArea averages areas, fractional ones by their share", () => {
  const img = { width: 3, height: 1, data: Uint8Array.of(0, 0, 0, 90, 90, 90, 180, 180, 180) };
  assert.deepEqual([...resizeArea(img, 2, 1).data], [30, 30, 30, 150, 150, 150]);
});

Deno.test("chooseLevel matches the model's resolution or takes the level asked", () => {
  const levels = [
    { width: 40000, height: 30000, downsample: { x: 1, y: 1 } },
    { width: 10000, height: 7500, downsample: { x: 4, y: 4 } },
    { width: 2500, height: 1875, downsample: { x: 16, y: 16 } },
  ];
  const slide = { levels, mpp: { x: 0.25, y: 0.25, source: "test" } };
  assert.deepEqual([
    chooseLevel(slide, { mpp: 1.02 }).level,
    chooseLevel(slide, { mpp: 1.02 }).scale,
  ], [1, 1]);
  const g = chooseLevel(slide, { mpp: 2 }); // 8x: level 1 shrunk by 2
  assert.deepEqual([g.level, g.scale, g.width, g.mpp!.x], [1, 2, 5000, 2]);
  assert.equal(chooseLevel(slide, { mpp: 0.25 }).level, 0);
  assert.equal(chooseLevel(slide, { level: 2 }).width, 2500);
  assert.throws(() => chooseLevel(slide, { mpp: 0.1 }), /coarser than/);
  assert.throws(() => chooseLevel(slide, { level: 3 }), SlideOptionError);
  assert.throws(() => chooseLevel({ levels, mpp: null }, { mpp: 0.5 }), /records no microns/);
});
