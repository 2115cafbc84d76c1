/**
 * Times one training step of the `cpu` preset (or ResNet-18 at width 1) in
 * a process of its own: the median of RUNS steps after one warm-up. Small and
 * self-contained so that it runs unchanged on older commits (copied into a
 * `git worktree`), which is how the README's per-lever table was measured.
 *
 * @example
 * ```sh
 * deno run -A tasks/bench_step_time.ts 224 8 1 3      # ResNet-18 width 1, 224x224, batch 8
 * deno run -A tasks/bench_step_time.ts 128 16 0.25 9  # the default training step
 * ```
 * @module
 */
import { buildMinMaxNet } from "@pointwise/core/model";
import { env, PRESETS, withOverrides } from "@pointwise/core/lite";
import { initBackend, Rng } from "@pointwise/core";
import { Sgd, trainStep } from "@pointwise/core/train";
import { tf } from "@pointwise/core/tf";

const [size, batch, width, runs] = Deno.args.map(Number);
if (
  Deno.args.length !== 4 || ![size, batch, runs].every((v) => Number.isInteger(v) && v > 0) ||
  (width !== 1 && width !== 0.25)
) {
  console.error(
    "usage: deno run -A tasks/bench_step_time.ts SIZE BATCH WIDTH RUNS\n" +
      "  WIDTH 0.25 is the cpu preset, 1 its ResNet-18 at full width",
  );
  Deno.exit(2);
}
env.backend = "wasm";
await initBackend();
const rng = new Rng(0);
// The step the lever table has timed on every commit: at output stride 32 (on commits
// where the preset has another, the setting is pinned; older ones have no such field).
const pinned = "outputStride" in PRESETS.cpu
  ? withOverrides(PRESETS.cpu, { outputStride: 32 } as Partial<typeof PRESETS.cpu>)
  : PRESETS.cpu;
const config = width === 1 ? withOverrides(pinned, { width: 1 }) : pinned;
const net = buildMinMaxNet(config, ["a", "b"], rng);
const params = new Map(net.store.trainableNames().map((n) => [n, net.store.get(n)]));
const opt = new Sgd(params, { lr: 1e-3, momentum: 0.9, nesterov: true, weightDecay: 1e-5 });
const x = tf.randomUniform([batch, size, size, 3], -1, 1, "float32", 1) as tf.Tensor4D;
const labels = Array.from({ length: batch }, (_, i) => i % 2);
const step = () =>
  trainStep(net, opt, { x, labels }, { erase: false, eraseTimes: 2, sigmaErase: 10, rng });
await step();
const t: number[] = [];
for (let i = 0; i < runs; i++) {
  const t0 = performance.now();
  await step();
  t.push(performance.now() - t0);
}
t.sort((a, b) => a - b);
console.log(
  `size ${size} batch ${batch} width ${width}: median ${t[t.length >> 1].toFixed(0)} ms, min ${
    t[0].toFixed(0)
  }`,
);
