import assert from "node:assert/strict";
import { tf } from "../backend/tf.ts";
import { initBackend } from "../backend/backend.ts";
import { Sgd } from "./sgd.ts";
import { learningRate } from "./lr_schedule.ts";

for (const backend of ["cpu", "wasm"] as const) {
  Deno.test(`SGD matches PyTorch's Nesterov update with coupled weight decay (${backend})`, async () => {
    await initBackend(backend);
    const p = tf.variable(tf.tensor1d([1, -2]));
    const opt = new Sgd(new Map([["w", p]]), {
      lr: 0.1,
      momentum: 0.9,
      nesterov: true,
      weightDecay: 0.01,
    });
    // Hand computation, element 0 (p = 1), gradients 0.5 then 0.5:
    // step 1: d = 0.5 + 0.01 = 0.51; buf = 0.51; d = 0.51 + 0.9*0.51 = 0.969; p = 1 - 0.0969 = 0.9031
    // step 2: d = 0.5 + 0.009031 = 0.509031; buf = 0.9*0.51 + 0.509031 = 0.968031;
    //         d = 0.509031 + 0.9*0.968031 = 1.3802589; p = 0.9031 - 0.13802589 = 0.76507411
    opt.step(new Map([["w", tf.tensor1d([0.5, 0])]]));
    assert.ok(Math.abs((await p.data())[0] - 0.9031) < 1e-6);
    opt.step(new Map([["w", tf.tensor1d([0.5, 0])]]));
    const v = await p.data();
    assert.ok(Math.abs(v[0] - 0.76507411) < 1e-6, `${v[0]}`);
    // Element 1 only decays: d = -0.02; buf = -0.02; d = -0.038; p = -2 + 0.0038 = -1.9962, then again.
    const d1 = -0.02, p1 = -2 - 0.1 * (d1 + 0.9 * d1);
    const d2 = 0.01 * p1, b2 = 0.9 * d1 + d2, p2 = p1 - 0.1 * (d2 + 0.9 * b2);
    assert.ok(Math.abs(v[1] - p2) < 1e-6);
    // Momentum state round-trips.
    const state = await opt.state();
    const p3 = tf.variable(tf.tensor1d(Array.from(v)));
    const opt2 = new Sgd(new Map([["w", p3]]), opt.options);
    opt2.load(state);
    const g = new Map([["w", tf.tensor1d([0.1, 0.2])]]);
    opt.step(g);
    opt2.step(g);
    assert.deepEqual(Array.from(await p3.data()), Array.from(await p.data()));
    assert.throws(() => opt.step(new Map([["nope", tf.scalar(1)]])), /unknown parameter nope/);
    opt.dispose();
    opt2.dispose();
  });
}

Deno.test("learning rate follows the reference step schedule", () => {
  const s = { lr: 1e-3, lrStep: 40, lrGamma: 0.1, minLr: 1e-7, warmupSteps: 0 };
  const near = (a: number, b: number) =>
    assert.ok(Math.abs(a - b) <= 1e-12 * Math.max(1, b), `${a} vs ${b}`);
  near(learningRate(s, 0, 0), 1e-3);
  near(learningRate(s, 40, 0), 1e-3);
  near(learningRate(s, 41, 0), 1e-4);
  near(learningRate(s, 80, 0), 1e-4);
  near(learningRate(s, 81, 0), 1e-5);
  near(learningRate(s, 161, 0), 1e-7);
  near(learningRate(s, 400, 0), 1e-7);
  const w = { ...s, warmupSteps: 4 };
  near(learningRate(w, 0, 0), 0.25e-3);
  near(learningRate(w, 0, 3), 1e-3);
  near(learningRate(w, 0, 10), 1e-3);
});

Deno.test("SGD without Nesterov: the fused wasm step equals the op-built cpu step", async () => {
  const run = async (backend: "cpu" | "wasm") => {
    await initBackend(backend);
    const p = tf.variable(tf.tensor1d([1, -2, 0.5]));
    const opt = new Sgd(new Map([["w", p]]), {
      lr: 0.1,
      momentum: 0.8,
      nesterov: false,
      weightDecay: 0.05,
    });
    for (const g of [[0.5, 0, -1], [0.25, 1, 2], [-0.5, 0.1, 0]]) {
      opt.step(new Map([["w", tf.tensor1d(g)]]));
    }
    const out = Array.from(await p.data());
    opt.dispose();
    p.dispose();
    return out;
  };
  const cpu = await run("cpu");
  const wasm = await run("wasm");
  cpu.forEach((v, i) => assert.ok(Math.abs(v - wasm[i]) < 1e-6, `${i}: ${v} vs ${wasm[i]}`));
});
