import assert from "node:assert/strict";
import { makePrediction, softmax, withThreshold } from "./prediction.ts";
import { heatmapFile } from "./prediction_files.ts";
import { decodeHeatmap } from "../eval/score_maps.ts";

Deno.test("makePrediction thresholds the mask, picks the class and softmaxes the logits", () => {
  const p = makePrediction({
    width: 3,
    height: 1,
    mask: Float32Array.of(0.2, 0.5, 0.9),
    logits: [0, Math.log(3)],
    localizerLogits: [1, 1],
    classes: ["a", "b"],
    threshold: 0.5,
  });
  assert.deepEqual(Array.from(p.binary), [0, 1, 1]);
  assert.ok(Math.abs(p.maskArea - 2 / 3) < 1e-12);
  assert.equal(p.className, "b");
  assert.ok(Math.abs(p.probabilities[1] - 0.75) < 1e-12);
  assert.deepEqual(p.localizerProbabilities, [0.5, 0.5]);
  assert.throws(
    () => makePrediction({ ...p, mask: Float32Array.of(1), logits: [1, 2], classes: ["a", "b"] }),
    /1 values for a 3x1 image/,
  );
  assert.deepEqual(softmax([1000, 1000]), [0.5, 0.5]);
});

Deno.test("withThreshold cuts the same map elsewhere and keeps class and map", () => {
  const p = makePrediction({
    width: 2,
    height: 2,
    mask: Float32Array.of(0.9, 0.4, 0.2, 0.6),
    logits: [1, 0],
    classes: ["a", "b"],
    threshold: 0.5,
  });
  assert.equal(p.maskArea, 0.5);
  const q = withThreshold(p, 0.3);
  assert.deepEqual([...q.binary], [1, 1, 0, 1]);
  assert.equal(q.maskArea, 0.75);
  assert.equal(q.threshold, 0.3);
  assert.equal(q.mask, p.mask);
  assert.equal(q.className, "a");
  assert.deepEqual([...p.binary], [1, 0, 0, 1], "the original is unchanged");
  assert.throws(() => withThreshold(p, 1.5), /threshold is in \[0, 1\], got 1.5/);
});

Deno.test("heatmapFile writes the map as 16-bit PNG or float32 .npy, read back by eval's reader", () => {
  const mask = Float32Array.of(0, 0.25, 0.123456, 1, 0.5, 0.75);
  const p = makePrediction({
    width: 3,
    height: 2,
    mask,
    logits: [0, 1],
    classes: ["a", "b"],
    threshold: 0.5,
  });
  const npy = decodeHeatmap(heatmapFile(p, "npy"), "m.npy");
  assert.deepEqual([npy.width, npy.height], [3, 2]);
  assert.deepEqual([...npy.data], [...mask]);
  const png = decodeHeatmap(heatmapFile(p, "png16"), "m.png");
  assert.deepEqual([png.width, png.height], [3, 2]);
  for (let i = 0; i < mask.length; i++) {
    // round(v * 65535) / 65535: within half a step.
    assert.ok(Math.abs(png.data[i] - mask[i]) <= 0.5 / 65535 + 1e-9);
  }
});
