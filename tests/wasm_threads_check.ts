// Runs three training steps of a small model on the wasm backend with the
// thread count given as the first argument, and prints what a comparison
// needs: the threads in use, the losses and every weight, as JSON.
import { buildMinMaxNet } from "@pointwise/core/model";
import { env, PRESETS, withOverrides } from "@pointwise/core/lite";
import { initBackend, Rng } from "@pointwise/core";
import { Sgd, trainStep } from "@pointwise/core/train";
import { tf, wasmThreadsInUse } from "@pointwise/core/tf";

env.threads = Number(Deno.args[0]);
const choice = await initBackend("wasm");
const config = withOverrides(PRESETS.cpu, { width: 0.25 });
const rng = new Rng(5);
const net = buildMinMaxNet(config, ["a", "b"], rng);
const params = new Map(net.store.trainableNames().map((n) => [n, net.store.get(n)]));
const opt = new Sgd(params, { lr: 1e-2, momentum: 0.9, nesterov: true, weightDecay: 1e-4 });
const x = tf.randomUniform([4, 96, 80, 3], -1, 1, "float32", 7) as tf.Tensor4D;
const losses: number[] = [];
for (let i = 0; i < 3; i++) {
  const l = await trainStep(net, opt, { x, labels: [0, 1, 1, 0] }, {
    erase: i > 0,
    eraseTimes: 2,
    sigmaErase: 10,
    rng,
  });
  losses.push(l.total);
}
const weights = await net.store.read();
let sum = 0;
for (const v of weights.values()) for (const w of v.data) sum += w;
console.log(JSON.stringify({
  threads: wasmThreadsInUse(),
  reason: choice.reason,
  losses,
  weightSum: sum,
  weights: Object.fromEntries([...weights].map(([k, v]) => [k, Array.from(v.data)])),
}));
