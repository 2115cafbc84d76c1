import assert from "node:assert/strict";
import { tf } from "../backend/tf.ts";
import { initBackend } from "../backend/backend.ts";
import { Rng } from "../util/rng.ts";
import { tinyNetOptions } from "../_testing/mod.ts";
import { crossEntropy } from "../train/losses.ts";
import { type BaselineMethod, BaselineNet } from "./baseline_net.ts";
import { gradCam } from "./grad_cam.ts";

const BASELINES: BaselineMethod[] = ["wildcat", "cam", "gradcam", "deepmil"];
const HEAD_PREFIX: Record<BaselineMethod, string> = {
  wildcat: "headseg.",
  cam: "fc.",
  gradcam: "fc.",
  deepmil: "mil.",
};

for (const method of BASELINES) {
  Deno.test(`${method}: logits [N,C] and a map in [0,1] at the input size, per image spanning [0,1]`, async () => {
    await initBackend("wasm");
    const net = new BaselineNet(method, tinyNetOptions({ classes: 3 }), new Rng(4));
    const x = tf.randomUniform([2, 96, 64, 3], -1, 1, "float32", 7) as tf.Tensor4D;
    const before = tf.memory().numTensors;
    const out = net.inferMaps(x);
    assert.deepEqual(out.logits.shape, [2, 3]);
    assert.deepEqual(out.map.shape, [2, 96, 64, 1]);
    assert.equal(out.localizerLogits, undefined);
    const m = await out.map.data();
    for (let i = 0; i < 2; i++) {
      const img = m.subarray(i * 96 * 64, (i + 1) * 96 * 64);
      assert.ok(img.every((v) => v >= 0 && v <= 1), "map values lie in [0, 1]");
      assert.ok(Math.abs(Math.max(...img) - 1) < 1e-6 && Math.min(...img) < 1e-6);
    }
    tf.dispose([out.logits, out.map]);
    assert.equal(tf.memory().numTensors, before, "inference leaves no tensor behind");
    x.dispose();
    net.dispose();
  });

  Deno.test(`${method}: the loss reaches the backbone and the ${HEAD_PREFIX[method]} head; the map sends no gradient`, async () => {
    await initBackend("wasm");
    const net = new BaselineNet(method, tinyNetOptions({ classes: 3 }), new Rng(5));
    const x = tf.randomUniform([2, 64, 64, 3], -1, 1, "float32", 8) as tf.Tensor4D;
    const names = net.store.trainableNames();
    const vars = names.map((n) => net.store.get(n));
    // Only the backbone and this method's own head exist: nothing of min-max's cl32.
    assert.ok(
      names.every((n) => n.startsWith(HEAD_PREFIX[method]) || !/^(headseg|cl32|fc|mil)\./.test(n)),
    );
    const { value, grads } = tf.variableGrads(
      () => crossEntropy(net.scores(x, { training: true }), [0, 2]),
      vars,
    );
    const norms = await Promise.all(
      vars.map(async (v) => grads[v.name] ? (await tf.norm(grads[v.name]).data())[0] : 0),
    );
    // The attention logits' bias shifts every logit of a softmax alike: its
    // gradient is zero in exact arithmetic, and only rounding made it otherwise.
    const inert = (n: string) => n === "mil.attention_w.bias";
    names.forEach((n, i) => {
      if (inert(n)) assert.ok(norms[i] < 1e-5, `${n}: gradient norm ${norms[i]}`);
    });
    const dead = names.filter((n, i) => !(norms[i] > 0) && !n.includes("running") && !inert(n));
    assert.deepEqual(dead, [], "every weight gets a gradient from the classification loss");
    assert.throws(
      () => tf.variableGrads(() => tf.sum(net.inferMaps(x).map) as tf.Scalar, vars),
      /connection/i,
      "the map is detached from every weight",
    );
    tf.dispose([x, value, ...Object.values(grads)]);
    net.dispose();
  });
}

Deno.test("CAM: scores are the spatial mean of the class maps (GAP then linear)", async () => {
  await initBackend("wasm");
  const net = new BaselineNet("cam", tinyNetOptions({ classes: 2 }), new Rng(6));
  const x = tf.randomUniform([1, 64, 96, 3], -1, 1, "float32", 9) as tf.Tensor4D;
  const ctx = { training: false };
  const f = net.backbone.apply(x, ctx);
  const [, h, w, d] = f.shape;
  const fv = await f.data();
  const wv = await net.store.get("fc.weight").data(); // [1,1,D,C]
  const bv = await net.store.get("fc.bias").data();
  const expected = [0, 1].map((c) => {
    let s = 0;
    for (let k = 0; k < d; k++) {
      let mean = 0;
      for (let p = 0; p < h * w; p++) mean += fv[p * d + k];
      s += (mean / (h * w)) * wv[k * 2 + c];
    }
    return s + bv[c];
  });
  const got = await net.scores(x, ctx).data();
  expected.forEach((e, c) =>
    assert.ok(Math.abs(got[c] - e) < 1e-4, `class ${c}: ${got[c]} vs ${e}`)
  );
  tf.dispose([x, f]);
  net.dispose();
});

Deno.test("Grad-CAM of a GAP + linear classifier is ReLU of its bias-free CAM (known identity)", async () => {
  await initBackend("wasm");
  const opts = tinyNetOptions({ classes: 2 });
  const gc = new BaselineNet("gradcam", opts, new Rng(7));
  // 97 pixels give 4 cells, and align_corners puts cell i exactly on pixel 32 i.
  const x = tf.randomUniform([1, 97, 97, 3], -1, 1, "float32", 10) as tf.Tensor4D;
  const ctx = { training: false };
  const f = gc.backbone.apply(x, ctx);
  const [, h, w, d] = f.shape;
  const fv = await f.data();
  const wv = await gc.store.get("fc.weight").data();
  const out = gc.inferMaps(x);
  const c = (await out.logits.data())[1] > (await out.logits.data())[0] ? 1 : 0;
  // d score_c / d A_k(p) = w_kc / (h w): Grad-CAM = ReLU(sum_k w_kc A_k) / (h w).
  const low = Array.from({ length: h * w }, (_, p) => {
    let s = 0;
    for (let k = 0; k < d; k++) s += wv[k * 2 + c] * fv[p * d + k];
    return Math.max(0, s);
  });
  const lo = Math.min(...low), hi = Math.max(...low);
  const expectedLow = low.map((v) => (v - lo) / (hi - lo));
  const m = await out.map.data();
  assert.equal(h, 4);
  const at = (i: number, j: number) => m[32 * i * 97 + 32 * j];
  for (let i = 0; i < h; i++) {
    for (let j = 0; j < w; j++) {
      assert.ok(Math.abs(at(i, j) - expectedLow[i * w + j]) < 1e-4, `cell ${i},${j}`);
    }
  }
  tf.dispose([x, f, out.logits, out.map]);
  gc.dispose();
});

Deno.test("gradCam maps each image of a batch for its own class, as it would alone", async () => {
  await initBackend("wasm");
  const net = new BaselineNet("gradcam", tinyNetOptions({ classes: 2 }), new Rng(8));
  const x = tf.randomUniform([2, 64, 64, 3], -1, 1, "float32", 11) as tf.Tensor4D;
  const f = net.backbone.apply(x, { training: false });
  // The CAM head: a 1x1 convolution, then the spatial mean.
  const head = (g: tf.Tensor4D) =>
    tf.mean(
      tf.add(
        tf.conv2d(g, net.store.get("fc.weight") as tf.Tensor4D, 1, 0),
        net.store.get("fc.bias"),
      ),
      [1, 2],
    ) as tf.Tensor2D;
  const cam = (g: tf.Tensor4D, classes: number[]) =>
    gradCam(g, head, tf.tensor1d(classes, "int32"), 2).data();
  const both = await cam(f, [0, 1]);
  const [f0, f1] = tf.split(f, 2, 0) as tf.Tensor4D[];
  const a = await cam(f0, [0]);
  const b = await cam(f1, [1]);
  const half = both.length / 2;
  assert.deepEqual(Array.from(both.subarray(0, half)), Array.from(a));
  assert.deepEqual(Array.from(both.subarray(half)), Array.from(b));
  const swapped = await cam(f, [1, 0]);
  assert.notDeepEqual(Array.from(swapped.subarray(0, half)), Array.from(a), "the class matters");
  tf.dispose([x, f, f0, f1]);
  net.dispose();
});

Deno.test("wildcat baseline: dropout acts in training only; inference is deterministic", async () => {
  await initBackend("wasm");
  const net = new BaselineNet(
    "wildcat",
    tinyNetOptions({ classes: 2, dropout: 0.5, kmax: 0.5 }),
    new Rng(9),
  );
  const x = tf.randomUniform([2, 128, 128, 3], -1, 1, "float32", 12) as tf.Tensor4D;
  const rng = new Rng(3);
  const t1 = await net.scores(x, { training: true, rng }).data();
  const t2 = await net.scores(x, { training: true, rng }).data();
  assert.notDeepEqual(Array.from(t1), Array.from(t2), "two training passes draw different dropout");
  const e1 = net.inferMaps(x), e2 = net.inferMaps(x);
  assert.deepEqual(Array.from(await e1.logits.data()), Array.from(await e2.logits.data()));
  assert.deepEqual(Array.from(await e1.map.data()), Array.from(await e2.map.data()));
  tf.dispose([x, e1.logits, e1.map, e2.logits, e2.map]);
  net.dispose();
});
