// The image-level steps on plain arrays (class_maps.ts) against the network's
// own TensorFlow.js computation of them, on tiny networks: the scores, M+,
// the upsampling and R+ (or the WILDCAT baseline's normalised map) must
// agree to float rounding, in both upsampling geometries.
import assert from "node:assert/strict";
import { tf } from "../backend/tf.ts";
import { initBackend } from "../backend/backend.ts";
import { maxAbsDiff, tensorFrom, tinyNetOptions } from "../_testing/mod.ts";
import { wildcatPooling } from "../nn/wildcat_pooling.ts";
import { Rng } from "../util/rng.ts";
import { BaselineNet } from "./baseline_net.ts";
import {
  type ClassMaps,
  imageMap,
  type MapHead,
  mapHeadOf,
  weightedMap,
  wildcatScores,
} from "./class_maps.ts";
import { MinMaxNet } from "./minmax_net.ts";
import type { UpsampleMode } from "../config/options.ts";

/** An NHWC image batch of one, values in [-1, 1] with some structure. */
function input(h: number, w: number, seed: number): tf.Tensor4D {
  const r = new Rng(seed);
  const data = new Float32Array(h * w * 3);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const blob = Math.hypot(x - w * 0.3, y - h * 0.6) < 20 ? 0.8 : -0.2;
      for (let c = 0; c < 3; c++) data[(y * w + x) * 3 + c] = blob + 0.3 * r.normal();
    }
  }
  return tf.tensor4d(data, [1, h, w, 3]);
}

async function classMapsOf(maps: tf.Tensor4D, x: tf.Tensor4D, head: MapHead): Promise<ClassMaps> {
  const [, height, width, classes] = maps.shape;
  const chw = tf.transpose(maps, [0, 3, 1, 2]);
  const data = await chw.data() as Float32Array;
  chw.dispose();
  return {
    maps: data,
    classes,
    height,
    width,
    stride: x.shape[1] / height,
    inputHeight: x.shape[1],
    inputWidth: x.shape[2],
    head,
  };
}

const MODES: UpsampleMode[] = ["align-corners", "stride-grid"];

for (const mode of MODES) {
  Deno.test(`min-max: R+ from the class maps on plain arrays is the network's R+ (${mode})`, async () => {
    await initBackend("wasm");
    const o = tinyNetOptions({ classes: 3, kmax: 0.2, maskUpsample: mode });
    const net = new MinMaxNet(o, new Rng(4));
    const x = input(96, 160, 1);
    const before = tf.memory().numTensors;
    const maps = net.localizerMaps(x);
    const cm = await classMapsOf(maps, x, mapHeadOf({ ...o, method: "minmax" })!);
    maps.dispose();
    assert.equal(tf.memory().numTensors, before, "localizerMaps leaks no tensor");
    assert.deepEqual([cm.height, cm.width, cm.stride], [3, 5, 32]);
    const out = net.infer(x);
    const want = await out.mask.data();
    const seg = await out.scoresSeg.data();
    tf.dispose([out.mask, out.scoresPos, out.scoresSeg]);
    const got = imageMap(cm);
    // The scores are float32 top-k means summed in another order: relative 1e-6.
    got.scores.forEach((s, c) =>
      assert.ok(Math.abs(s - seg[c]) <= 1e-6 * Math.max(1, Math.abs(s)))
    );
    // R+ = sigmoid(8 (M~ - 0.5)) moves at most 2x as fast as M~, which carries
    // float32 rounding of M+ relative to its range (about 1e-7 here).
    const d = maxAbsDiff(got.map, want);
    assert.ok(d < 2e-6, `R+ differs by ${d}`);
    // And it is a real comparison: the other geometry gives another map.
    const other = imageMap({
      ...cm,
      head: { ...cm.head, upsample: MODES.find((m) => m !== mode)! },
    });
    assert.ok(maxAbsDiff(other.map, want) > 1e-3);
    x.dispose();
    net.dispose();
  });
}

Deno.test("WILDCAT baseline: its normalised M+ from the class maps on plain arrays", async () => {
  await initBackend("wasm");
  const o = tinyNetOptions({ classes: 2, kmax: 0.3 });
  const net = new BaselineNet("wildcat", o, new Rng(7));
  const x = input(64, 128, 2);
  const maps = net.localizerMaps(x);
  const cm = await classMapsOf(maps, x, mapHeadOf({ ...o, method: "wildcat" })!);
  maps.dispose();
  const out = net.inferMaps(x);
  const want = await out.map.data();
  tf.dispose([out.map, out.logits]);
  const d = maxAbsDiff(imageMap(cm).map, want);
  assert.ok(d < 2e-6, `map differs by ${d}`);
  assert.equal(mapHeadOf({ ...o, method: "cam" }), null, "CAM maps are not WILDCAT class maps");
  assert.throws(() => new BaselineNet("cam", o, new Rng(0)).localizerMaps(x), /no WILDCAT/);
  x.dispose();
  net.dispose();
});

Deno.test("WILDCAT scores on plain arrays equal the network's pooling, ties and k = all included", async () => {
  await initBackend("cpu");
  for (const [h, w, kmax, seed] of [[5, 7, 0.09, 1], [4, 4, 0.5, 2], [3, 3, 1, 3], [6, 2, 4, 4]]) {
    const t = tensorFrom([1, h, w, 3], seed) as tf.Tensor4D;
    // Ties: round a third of the values to one decimal.
    const v = await t.data();
    const tied = tf.tensor4d(v.map((a, i) => (i % 3 === 0 ? Math.round(a * 10) / 10 : a)), t.shape);
    const want = await wildcatPooling(tied, { kmax, dropout: 0.5 }, { training: false }).data();
    const chw = await tf.transpose(tied, [0, 3, 1, 2]).data() as Float32Array;
    const { scores } = wildcatScores({ maps: chw, classes: 3, height: h, width: w }, kmax);
    scores.forEach((s, c) => assert.ok(Math.abs(s - want[c]) < 1e-6, `${s} vs ${want[c]}`));
    tf.dispose([t, tied]);
  }
});

Deno.test("WILDCAT scores over counted cells only; M+ weights the classes", () => {
  // Two classes, 2x3 cells. Class 0: 1..6, class 1: 6..1.
  const maps = Float32Array.of(1, 2, 3, 4, 5, 6, 6, 5, 4, 3, 2, 1);
  const cm = { maps, classes: 2, height: 2, width: 3 };
  assert.deepEqual(wildcatScores(cm, 0.5).scores, [5, 5]); // k = 3: 6,5,4
  // Counting the first row only: k = round(1.5) = 2 -> class 0: (3+2)/2, class 1: (6+5)/2.
  const counted = Uint8Array.of(1, 1, 1, 0, 0, 0);
  assert.deepEqual(wildcatScores(cm, 0.5, counted), { scores: [2.5, 5.5], k: 2 });
  assert.equal(wildcatScores(cm, 0.5, new Uint8Array(6)).k, 0);
  assert.deepEqual(Array.from(weightedMap(cm, [0.25, 0.75])), [4.75, 4.25, 3.75, 3.25, 2.75, 2.25]);
});
