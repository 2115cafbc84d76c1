/**
 * The TypeScript half of the GPU benchmark (`tasks/gpu_bench.sh` runs it,
 * bundled, on a machine without Deno's npm cache). Two commands, each
 * printing one JSON line per case:
 *
 * - `train`: the min-max training step (`trainStep`: L_seg + L_pos + L_neg,
 *   backward, one SGD Nesterov update; no erasing, as `bench_torch.py`) on
 *   tfjs's webgpu backend, with our WGSL kernels or (`--stock`) tfjs's own;
 *   ResNet-18 at width 1 and the `cpu` preset, at the given batches;
 * - `infer`: `OnnxLocalizer.predict` of an exported model (random weights)
 *   on onnxruntime-web's webgpu or wasm provider.
 *
 * Each case times the median of `--runs` after a warm-up, fewer runs when
 * the warm-up says they would overrun `--budget` seconds. A benchmark, not a
 * test: it asserts nothing.
 *
 * @example
 * ```sh
 * deno run -A tasks/gpu_bench.ts train --batches 8,32 --size 224 --runs 5
 * deno run -A tasks/gpu_bench.ts infer --provider webgpu --size 512 --runs 10
 * ```
 * @module
 */
import { parseArgs } from "node:util";
import { buildModel, initBackend, Rng } from "@pointwise/core";
import { env, PRESETS, probeWebGpu, withOverrides } from "@pointwise/core/lite";
import { Sgd, trainStep } from "@pointwise/core/train";
import { tf, unregisterWebGpuKernels } from "@pointwise/core/tf";
import { exportOnnx } from "@pointwise/core/onnx";
import { loadOnnx } from "@pointwise/runtime";

const { values, positionals } = parseArgs({
  args: Deno.args,
  allowPositionals: true,
  options: {
    batches: { type: "string", default: "8,32" },
    presets: { type: "string", default: "r18,cpu" },
    size: { type: "string", default: "224" },
    width: { type: "string" },
    runs: { type: "string", default: "5" },
    budget: { type: "string", default: "40" },
    stock: { type: "boolean", default: false },
    provider: { type: "string", default: "webgpu" },
    threads: { type: "string", default: "0" },
  },
});

const runs = Number(values.runs);
const size = Number(values.size);
const budget = Number(values.budget);

function median(a: number[]): number {
  const s = [...a].sort((x, y) => x - y);
  return s[Math.floor(s.length / 2)];
}

/** Times `f` after a warm-up: median and minimum in ms, with the runs made. */
async function time(f: () => Promise<unknown>): Promise<Record<string, number>> {
  const t0 = performance.now();
  await f();
  const warm = performance.now() - t0;
  const n = Math.max(1, Math.min(runs, Math.floor((budget * 1000 - warm) / Math.max(warm, 1))));
  const t: number[] = [];
  for (let i = 0; i < n; i++) {
    const s = performance.now();
    await f();
    t.push(performance.now() - s);
  }
  return { warmupMs: warm, medianMs: median(t), minMs: Math.min(...t), runs: n };
}

/** The networks of the benchmark: ResNet-18 at full width and the cpu preset. */
function presetConfig(name: string) {
  const width = values.width !== undefined ? Number(values.width) : undefined;
  if (name === "r18") return withOverrides(PRESETS.cpu, { width: width ?? 1 });
  if (name === "cpu") return withOverrides(PRESETS.cpu, width ? { width } : {});
  throw new Error(`unknown preset ${name} (r18 or cpu)`);
}

async function adapterName(): Promise<string> {
  const p = await probeWebGpu();
  return p.adapter ? `${p.description}${p.fallback ? " (software)" : ""}` : p.description;
}

async function train(): Promise<void> {
  await initBackend("webgpu");
  if (values.stock) unregisterWebGpuKernels();
  const adapter = await adapterName();
  for (const preset of values.presets!.split(",")) {
    for (const batch of values.batches!.split(",").map(Number)) {
      const config = presetConfig(preset);
      const net = buildModel(config, ["a", "b"], new Rng(0));
      const params = new Map(net.store.trainableNames().map((n) => [n, net.store.get(n)]));
      const opt = new Sgd(params, { lr: 1e-3, momentum: 0.9, nesterov: true, weightDecay: 1e-5 });
      const x = tf.randomUniform([batch, size, size, 3], -1, 1, "float32", 1) as tf.Tensor4D;
      const labels = Array.from({ length: batch }, (_, i) => i % 2);
      const rng = new Rng(1);
      const step = () =>
        trainStep(net as never, opt, { x, labels }, {
          erase: false,
          eraseTimes: 0,
          sigmaErase: 10,
          rng,
        });
      const t = await time(step);
      console.log(JSON.stringify({
        what: "train",
        runtime: `tfjs-webgpu${values.stock ? " (stock kernels)" : ""}`,
        preset,
        width: config.width,
        batch,
        size,
        ...t,
        adapter,
      }));
      x.dispose();
      opt.dispose();
      net.dispose();
    }
  }
}

async function infer(): Promise<void> {
  const provider = values.provider as "webgpu" | "wasm";
  env.threads = Number(values.threads);
  await initBackend("cpu");
  for (const preset of values.presets!.split(",")) {
    const config = presetConfig(preset);
    const net = buildModel(config, ["a", "b"], new Rng(0));
    const onnx = exportOnnx({ config, classes: ["a", "b"], weights: await net.store.read() });
    net.dispose();
    const model = await loadOnnx(onnx, `${preset}.onnx`, { backend: provider });
    const r = new Rng(2);
    const image = {
      width: size,
      height: size,
      data: Uint8Array.from({ length: size * size * 3 }, () => Math.floor(r.uniform(0, 256))),
    };
    const t = await time(() => model.predict(image));
    console.log(JSON.stringify({
      what: "infer",
      runtime: `onnxruntime-web ${model.runtime.provider}`,
      reason: model.runtime.reason,
      preset,
      width: config.width,
      batch: 1,
      size,
      ...t,
      adapter: provider === "webgpu" ? await adapterName() : "-",
    }));
    await model.dispose();
  }
}

const command = positionals[0];
if (command === "train") await train();
else if (command === "infer") await infer();
else {
  console.error("usage: gpu_bench.ts train|infer [options] (see the module's documentation)");
  Deno.exit(2);
}
