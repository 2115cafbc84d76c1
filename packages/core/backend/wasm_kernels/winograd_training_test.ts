// Twenty training steps with every eligible convolution by Winograd follow
// the direct path's losses.
//
// Training here is chaotic: ReLU and max-pooling decisions flip under
// rounding-sized changes, and SGD with momentum carries them on, so two
// direct runs whose inputs differ by one part in a million end up 0.05-0.27
// apart in loss within 20 steps (measured over 3 seeds and 2 learning rates).
// The tolerance is therefore stated against that noise, measured in the test:
// - step 0 (the forward pass from the same weights): within 2e-5 relative,
//   the F(4x4,3x3) kernel error (about 4e-6 measured here);
// - step 1, after the first update: within 10x the noise run's distance;
// - all 20 steps: the Winograd run's largest distance from the direct run is
//   at most 3x the largest distance of a direct run on inputs perturbed by a
//   relative 1e-6 (measured ratios 0.35-1.5 over 6 runs);
// - both runs learn: the loss falls by more than a third.
// F(4x4,3x3), the less exact tile, is forced on every eligible layer.
import assert from "node:assert/strict";
import { tf } from "../tf.ts";
import { initBackend } from "../backend.ts";
import { env } from "../../config/env.ts";
import { buildMinMaxNet } from "../../model/build.ts";
import { Sgd } from "../../train/sgd.ts";
import { trainStep } from "../../train/train_step.ts";
import { Rng } from "../../util/rng.ts";
import { PRESETS } from "../../config/presets.ts";
import { withOverrides } from "../../config/validate_config.ts";
import { setWinogradMode, winogradCalls, type WinogradMode } from "./winograd.ts";

async function losses(mode: WinogradMode, perturb = 0): Promise<number[]> {
  const previous = setWinogradMode(mode);
  const rng = new Rng(3);
  const net = buildMinMaxNet(
    withOverrides(PRESETS.cpu, { width: 0.125, dropout: 0 }),
    ["a", "b"],
    rng,
  );
  const params = new Map(net.store.trainableNames().map((n) => [n, net.store.get(n)]));
  const opt = new Sgd(params, { lr: 0.01, momentum: 0.9, nesterov: true, weightDecay: 1e-4 });
  const x = tf.tidy(() => {
    const x0 = tf.randomNormal([4, 48, 40, 3], 0, 1, "float32", 11);
    const sign = tf.sign(tf.randomNormal(x0.shape, 0, 1, "float32", 5));
    return tf.mul(x0, tf.add(1, tf.mul(perturb, sign))) as tf.Tensor4D;
  });
  try {
    const out: number[] = [];
    for (let i = 0; i < 20; i++) {
      const l = await trainStep(net, opt, { x, labels: [0, 1, 1, 0] }, {
        erase: false,
        eraseTimes: 2,
        sigmaErase: 10,
        rng,
      });
      out.push(l.total);
    }
    return out;
  } finally {
    x.dispose();
    opt.dispose();
    net.dispose();
    setWinogradMode(previous);
  }
}

const farthest = (a: number[], b: number[]) => Math.max(...a.map((v, i) => Math.abs(v - b[i])));

Deno.test("20 training steps by Winograd follow the direct path's losses", async () => {
  env.backend = "wasm";
  await initBackend("wasm");
  const before = winogradCalls.forward + winogradCalls.input + winogradCalls.filter;
  const wino = await losses(4);
  const calls = winogradCalls.forward + winogradCalls.input + winogradCalls.filter - before;
  const direct = await losses("off");
  const noise = await losses("off", 1e-6);
  assert.ok(calls >= 20 * 3, `only ${calls} Winograd calls in 20 steps`);
  assert.ok([...wino, ...direct, ...noise].every(Number.isFinite));
  const first = Math.abs(wino[0] - direct[0]) / direct[0];
  assert.ok(first < 2e-5, `step 0 differs by ${first} relative`);
  // Step 1, after one update: within 10x the noise run's distance there
  // (measured ratios 0.1-2.4), which a gradient 10% off exceeds 5-fold.
  const rel = (a: number[], i: number) => Math.abs(a[i] - direct[i]) / direct[i];
  assert.ok(
    rel(wino, 1) <= 10 * Math.max(rel(noise, 1), 1e-5),
    `step 1 differs by ${rel(wino, 1)} relative, rounding noise ${rel(noise, 1)}`,
  );
  const [dw, dn] = [farthest(wino, direct), farthest(noise, direct)];
  assert.ok(dw <= 3 * dn, `Winograd ${dw} from the direct losses, rounding noise ${dn}`);
  assert.ok(direct[19] < (2 / 3) * direct[0], "the direct run did not learn");
  assert.ok(wino[19] < (2 / 3) * wino[0], "the Winograd run did not learn");
});
