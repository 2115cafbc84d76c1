/**
 * `deno task bench`: timings of the training step and of inference, with
 * medians over several runs, peak memory, and the kernels that dominate one
 * training step. A benchmark, not a test: it asserts nothing.
 *
 * @example
 * ```sh
 * deno task bench                 # every case, 5 timed runs each
 * deno task bench --runs 3 --only step-r18
 * ```
 * @module
 */
import { parseArgs } from "node:util";
import {
  buildNet,
  type Config,
  env,
  initBackend,
  Localizer,
  PRESETS,
  Rng,
  Sgd,
  tf,
  trainStep,
  withOverrides,
} from "@pointwise/core";

const args = parseArgs({
  args: Deno.args,
  options: {
    runs: { type: "string", default: "5" },
    only: { type: "string" },
    backend: { type: "string", default: "wasm" },
    profile: { type: "boolean", default: true },
  },
  allowNegative: true,
});
const RUNS = Number(args.values.runs);

interface Case {
  id: string;
  what: string;
  config: Config;
  kind: "step" | "predict";
  batch?: number;
  size: [number, number];
  erase?: boolean;
}

const full = withOverrides(PRESETS.cpu, { width: 1 });
const CASES: Case[] = [
  {
    id: "step-r18",
    what: "train step, ResNet-18 (width 1), batch 8, 224x224",
    config: full,
    kind: "step",
    batch: 8,
    size: [224, 224],
  },
  {
    id: "step-r18-erase",
    what: "train step, ResNet-18 (width 1), batch 8, 224x224, 2 erasing passes",
    config: full,
    kind: "step",
    batch: 8,
    size: [224, 224],
    erase: true,
  },
  {
    id: "step-cpu",
    what: "train step, cpu preset (ResNet-18 x0.25), batch 16, 128x128",
    config: PRESETS.cpu,
    kind: "step",
    batch: 16,
    size: [128, 128],
  },
  {
    id: "predict-r18",
    what: "predict, ResNet-18 (width 1), 775x522 image",
    config: full,
    kind: "predict",
    size: [522, 775],
  },
  {
    id: "predict-cpu",
    what: "predict, cpu preset, 775x522 image",
    config: PRESETS.cpu,
    kind: "predict",
    size: [522, 775],
  },
];

function median(a: number[]): number {
  const s = [...a].sort((x, y) => x - y);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

async function timeCase(c: Case): Promise<number[]> {
  const rng = new Rng(0);
  const net = buildNet(c.config, ["a", "b"], rng);
  const [h, w] = c.size;
  const times: number[] = [];
  if (c.kind === "predict") {
    const localizer = new Localizer(net, ["a", "b"], c.config);
    const image = {
      width: w,
      height: h,
      data: Uint8Array.from({ length: w * h * 3 }, () => rng.int(256)),
    };
    for (let i = 0; i <= RUNS; i++) {
      const t0 = performance.now();
      await localizer.predict(image);
      if (i > 0) times.push((performance.now() - t0) / 1000); // run 0 warms up
    }
  } else {
    const params = new Map(net.store.trainableNames().map((n) => [n, net.store.get(n)]));
    const opt = new Sgd(params, { lr: 1e-3, momentum: 0.9, nesterov: true, weightDecay: 1e-5 });
    const x = tf.randomUniform([c.batch!, h, w, 3], -1, 1, "float32", 1) as tf.Tensor4D;
    const labels = Array.from({ length: c.batch! }, (_, i) => i % 2);
    const o = { erase: c.erase ?? false, eraseTimes: 2, sigmaErase: 10, rng };
    for (let i = 0; i <= RUNS; i++) {
      const t0 = performance.now();
      await trainStep(net, opt, { x, labels }, o);
      if (i > 0) times.push((performance.now() - t0) / 1000);
    }
    if (args.values.profile && c.id === "step-r18") await profile(net, opt, x, labels, o);
    x.dispose();
    opt.dispose();
  }
  net.dispose();
  return times;
}

async function profile(
  net: ReturnType<typeof buildNet>,
  opt: Sgd,
  x: tf.Tensor4D,
  labels: number[],
  o: Parameters<typeof trainStep>[3],
): Promise<void> {
  const info = await tf.profile(async () => {
    await trainStep(net, opt, { x, labels }, o);
  });
  const agg = new Map<string, { ms: number; n: number }>();
  for (const k of info.kernels) {
    const a = agg.get(k.name) ?? { ms: 0, n: 0 };
    a.ms += k.kernelTimeMs as number;
    a.n++;
    agg.set(k.name, a);
  }
  const total = [...agg.values()].reduce((s, a) => s + a.ms, 0);
  console.log(`\nkernel profile of one step (${total.toFixed(0)} ms in kernels):`);
  for (const [name, a] of [...agg].sort((p, q) => q[1].ms - p[1].ms).slice(0, 10)) {
    console.log(
      `  ${name.padEnd(24)} ${a.ms.toFixed(0).padStart(7)} ms ${String(a.n).padStart(5)} calls ${
        (100 * a.ms / total).toFixed(1).padStart(5)
      }%`,
    );
  }
}

env.backend = args.values.backend as typeof env.backend;
const choice = await initBackend();
console.log(
  `backend: ${choice.name} (${choice.reason}); ${navigator.hardwareConcurrency} CPU threads visible; ${RUNS} timed runs after one warm-up`,
);
console.log(
  `date: ${
    new Date().toISOString().slice(0, 10)
  }; deno ${Deno.version.deno}, tfjs ${tf.version_core}\n`,
);
const rows: string[] = [];
for (const c of CASES) {
  if (args.values.only && !args.values.only.split(",").includes(c.id)) continue;
  const t = await timeCase(c);
  const row = `${c.id.padEnd(16)} ${median(t).toFixed(3).padStart(8)} s  (min ${
    Math.min(...t).toFixed(3)
  }, max ${Math.max(...t).toFixed(3)})  ${c.what}`;
  rows.push(row);
  console.log(row);
}
console.log(
  `\npeak RSS ${
    (Deno.memoryUsage().rss / 2 ** 20).toFixed(0)
  } MiB; tensors alive at the end ${tf.memory().numTensors}`,
);
