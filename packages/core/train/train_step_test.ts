import assert from "node:assert/strict";
import { tf } from "../backend/tf.ts";
import { initBackend } from "../backend/backend.ts";
import { PRESETS } from "../config/presets.ts";
import { withOverrides } from "../config/validate_config.ts";
import { buildMinMaxNet } from "../model/build.ts";
import { Rng } from "../util/rng.ts";
import { Sgd } from "./sgd.ts";
import { trainStep } from "./train_step.ts";

const config = withOverrides(PRESETS.cpu, { width: 0.0625, modalities: 2, dropout: 0.3 });

async function setup(seed: number, dropout = config.dropout) {
  await initBackend("wasm");
  const net = buildMinMaxNet({ ...config, dropout }, ["a", "b"], new Rng(seed));
  const params = new Map(net.store.trainableNames().map((n) => [n, net.store.get(n)]));
  const opt = new Sgd(params, { lr: 0.01, momentum: 0.9, nesterov: true, weightDecay: 1e-4 });
  const x = tf.randomUniform([4, 64, 64, 3], -1, 1, "float32", seed) as tf.Tensor4D;
  return { net, opt, x };
}

for (const erase of [false, true]) {
  Deno.test(`training steps (${erase ? "with" : "without"} erasing) update weights and leak no tensors`, async () => {
    const { net, opt, x } = await setup(1);
    const rng = new Rng(2);
    const before = Float32Array.from(await net.store.get("layer1.0.conv1.weight").data());
    const o = { erase, eraseTimes: 3, sigmaErase: 10, rng };
    const first = await trainStep(net, opt, { x, labels: [0, 1, 1, 0] }, o);
    const count = tf.memory().numTensors;
    for (let i = 0; i < 2; i++) await trainStep(net, opt, { x, labels: [0, 1, 1, 0] }, o);
    assert.equal(tf.memory().numTensors, count, "tensor count grew across training steps");
    assert.ok([first.seg, first.pos, first.neg].every(Number.isFinite));
    assert.ok(Math.abs(first.total - (first.seg + first.pos + first.neg)) < 1e-5);
    assert.ok(first.passes >= 1 && first.passes <= (erase ? 3 : 1));
    const after = await net.store.get("layer1.0.conv1.weight").data();
    assert.ok(after.some((v, i) => v !== before[i]), "weights changed");
    tf.dispose(x);
    opt.dispose();
    net.dispose();
  });
}

Deno.test("erasing stops after one pass when the localizer misclassifies every sample", async () => {
  // No dropout: the pass-0 predictions are then exactly those computed here
  // (train mode, batch statistics).
  const { net, opt, x } = await setup(3, 0);
  // Label every sample with the class the localizer does not predict.
  const scores = tf.tidy(() => net.segment(x, { training: true }).scores);
  const pred = await tf.argMax(scores, 1).data();
  scores.dispose();
  const wrong = Array.from(pred, (p) => 1 - p);
  const r = await trainStep(net, opt, { x, labels: wrong }, {
    erase: true,
    eraseTimes: 4,
    sigmaErase: 10,
    rng: new Rng(0),
  });
  // After pass 0 no sample is trusted any more.
  assert.equal(r.passes, 1);
  tf.dispose(x);
  opt.dispose();
  net.dispose();
});
