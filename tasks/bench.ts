/**
 * `deno task bench`: timings of training steps and of inference, medians
 * over several runs after a warm-up, with peak memory per case, the kernels that
 * dominate one training step, and inference in every runtime side by side
 * with ratios to native onnxruntime-node. A benchmark, not a test: it
 * asserts nothing.
 *
 * @example
 * ```sh
 * deno task bench                          # everything, 5 timed runs each
 * deno task bench --runs 3 --only step-cpu,infer
 * deno task bench --threads 1              # tfjs's wasm backend single-threaded
 * ```
 * @module
 */
import { kernelFlops, type KernelRecord } from "./bench_flops.ts";
import { peakRssMiB, resetPeakRss } from "./bench_memory.ts";
import { simdPeak } from "./bench_simd_peak.ts";
import { fmaPeak } from "./bench_fma_peak.ts";
import { benchLayers } from "./bench_layers.ts";
import { parseArgs } from "node:util";
import { buildMinMaxNet } from "@pointwise/core/model";
import { type Config, env } from "@pointwise/core/lite";
import { initBackend, Rng } from "@pointwise/core";
import { Sgd, trainStep } from "@pointwise/core/train";
import { inference } from "./bench_infer.ts";
import { cpuPreset, full, median, pairedRounds, ROUNDS, seconds } from "./bench_paired.ts";
import { tf, wasmThreadsInUse } from "@pointwise/core/tf";

const args = parseArgs({
  args: Deno.args,
  options: {
    runs: { type: "string", default: "5" },
    only: { type: "string" },
    backend: { type: "string", default: "wasm" },
    threads: { type: "string", default: "0" },
    profile: { type: "boolean", default: true },
    help: { type: "boolean", short: "h", default: false },
  },
  allowNegative: true,
});
if (args.values.help) {
  console.log(`deno task bench [options]

Times training steps and inference on every available path, beside PyTorch and
onnxruntime-node when present, with GFLOP/s against the machine's WASM-SIMD
ceiling. A benchmark: it prints figures and asserts nothing.

  --runs N          timed runs per case, after one warm-up (default 5)
  --only A,B        cases whose id starts with A or B: step-r18, step-r18-erase,
                    step-cpu-224, step-cpu-480, step-cpu, layers, infer
  --threads N       tfjs wasm threads (default: one per core)
  --backend NAME    wasm (default), webgpu or cpu
  --no-profile      skip the kernel profile of the ResNet-18 step
  -h, --help        this text`);
  Deno.exit(0);
}
const RUNS = Number(args.values.runs);
const only = args.values.only?.split(",");
const wanted = (id: string) => only === undefined || only.some((o) => id.startsWith(o));

// ---------------------------------------------------------------- training

interface StepCase {
  id: string;
  what: string;
  config: Config;
  batch: number;
  size: number;
  erase?: boolean;
}

const STEPS: StepCase[] = [
  {
    id: "step-r18",
    what: "ResNet-18 (width 1), batch 8, 224x224",
    config: full,
    batch: 8,
    size: 224,
  },
  {
    id: "step-r18-erase",
    what: "ResNet-18 (width 1), batch 8, 224x224, 2 erasing passes",
    config: full,
    batch: 8,
    size: 224,
    erase: true,
  },
  {
    id: "step-cpu-224",
    what: "cpu preset (ResNet-18 x0.25), batch 8, 224x224",
    config: cpuPreset,
    batch: 8,
    size: 224,
  },
  {
    id: "step-cpu-480",
    what: "cpu preset (ResNet-18 x0.25), batch 8, 480x480 (reference crop)",
    config: cpuPreset,
    batch: 8,
    size: 480,
  },
  {
    id: "step-cpu",
    what: "cpu preset (ResNet-18 x0.25), batch 16, 128x128 (the default training)",
    config: cpuPreset,
    batch: 16,
    size: 128,
  },
];

/** Kernels of the entropy and softmax losses, the pseudo-binary mask and WILDCAT's top-k pooling. */
const FUSION_CANDIDATES = new Set([
  "Softmax",
  "logSoftmax__op",
  "LogSoftmax",
  "Exp",
  "Log",
  "Neg",
  "OneHot",
  "Sigmoid",
  "Min",
  "Max",
  "Sub",
  "RealDiv",
  "TopK",
  "GatherV2",
  "Mean",
  "Sum",
  "AddN",
  "Maximum",
]);

/** Profiles one step: prints the top kernels when asked, returns the step's FLOPs. */
async function profile(
  net: ReturnType<typeof buildMinMaxNet>,
  run: () => Promise<unknown>,
  print: boolean,
): Promise<number> {
  const info = await tf.profile(async () => void (await run()));
  const flops = kernelFlops(info.kernels as unknown as KernelRecord[]);
  if (!print) return flops;
  const agg = new Map<string, { ms: number; n: number }>();
  for (const k of info.kernels) {
    const a = agg.get(k.name) ?? { ms: 0, n: 0 };
    a.ms += k.kernelTimeMs as number;
    a.n++;
    agg.set(k.name, a);
  }
  const total = [...agg.values()].reduce((s, a) => s + a.ms, 0);
  console.log(
    `  kernel profile of one step (${
      total.toFixed(0)
    } ms in kernels, ${net.store.size()} parameters):`,
  );
  for (const [name, a] of [...agg].sort((p, q) => q[1].ms - p[1].ms).slice(0, 10)) {
    console.log(
      `    ${name.padEnd(24)} ${a.ms.toFixed(0).padStart(7)} ms ${String(a.n).padStart(5)} calls ${
        (100 * a.ms / total).toFixed(1).padStart(5)
      }%`,
    );
  }
  // What fusing the losses, the mask and the top-k pooling could gain at most.
  const small = [...agg].filter(([name]) => FUSION_CANDIDATES.has(name));
  const smallMs = small.reduce((s, [, a]) => s + a.ms, 0);
  console.log(
    `    the kinds of op in the losses, mask and top-k pooling, wherever used: ${
      smallMs.toFixed(0)
    } ms, ${(100 * smallMs / total).toFixed(1)}%`,
  );
  return flops;
}

/** A step's tfjs times, its FLOPs, and PyTorch's timing paired with it round by round. */
interface StepTiming {
  times: number[];
  flops: number;
  torch: { step?: number; missing?: string };
  /** The median over rounds of tfjs's median over PyTorch's (pairedRounds' way). */
  ratio?: number;
  /** Each round's ratio. */
  ratios: number[];
}

async function timeStep(c: StepCase): Promise<StepTiming> {
  const rng = new Rng(0);
  const net = buildMinMaxNet(c.config, ["a", "b"], rng);
  const params = new Map(net.store.trainableNames().map((n) => [n, net.store.get(n)]));
  const opt = new Sgd(params, { lr: 1e-3, momentum: 0.9, nesterov: true, weightDecay: 1e-5 });
  const x = tf.randomUniform([c.batch, c.size, c.size, 3], -1, 1, "float32", 1) as tf.Tensor4D;
  const labels = Array.from({ length: c.batch }, (_, i) => i % 2);
  const o = { erase: c.erase ?? false, eraseTimes: 2, sigmaErase: 10, rng };
  const step = () => trainStep(net, opt, { x, labels }, o);
  const { times, node2: torchRounds, wasmOverRaw: ratio, ratios } = await pairedRounds(
    RUNS,
    step,
    async () => {
      const t = await torchStep(c);
      return { median: t.step, missing: t.missing };
    },
  );
  const torch = { step: torchRounds.median, missing: torchRounds.missing };
  const flops = await profile(
    net,
    step,
    args.values.profile && (c.id === "step-r18" || c.id === "step-cpu"),
  );
  x.dispose();
  opt.dispose();
  net.dispose();
  return { times, flops, torch, ratio, ratios };
}

/** The same step in PyTorch (tasks/bench_torch.py, 2 threads), or why it is missing. */
async function torchStep(c: StepCase): Promise<{ step?: number; missing?: string }> {
  if (c.erase) return { missing: "erasing is not timed in PyTorch" };
  const cfg = c.config;
  const depth = cfg.arch.replace("resnet", "");
  try {
    const out = await new Deno.Command("/usr/bin/python3", {
      args: [
        "tasks/bench_torch.py",
        "--depth",
        depth,
        "--width",
        String(cfg.width),
        ...(cfg.deepStem ? ["--deep-stem"] : []),
        "--dropout",
        String(cfg.dropout),
        "--batch",
        String(c.batch),
        "--size",
        String(c.size),
        "--threads",
        "2",
        "--runs",
        String(RUNS),
      ],
      stdout: "piped",
      stderr: "piped",
    }).output();
    const text = new TextDecoder().decode(out.stdout).trim().split("\n").pop() ?? "";
    if (out.code !== 0) {
      const why = new TextDecoder().decode(out.stderr).trim().split("\n").pop();
      return { missing: `PyTorch: ${why}` };
    }
    return JSON.parse(text);
  } catch (e) {
    return { missing: `PyTorch: ${(e as Error).message.split("\n")[0]}` };
  }
}

/** GFLOP/s of a square matmul on the current tfjs backend (one thread on wasm). */
async function matmulPeak(n = 1024): Promise<number> {
  const a = tf.randomUniform([n, n]);
  const b = tf.randomUniform([n, n]);
  const times: number[] = [];
  for (let i = 0; i <= RUNS; i++) {
    const t0 = performance.now();
    const c = tf.matMul(a, b);
    await c.data();
    c.dispose();
    if (i > 0) times.push((performance.now() - t0) / 1000);
  }
  tf.dispose([a, b]);
  return 2 * n ** 3 / median(times) / 1e9;
}

/** GFLOP/s of a 3x3 convolution (8x56x56, 256 -> 256 channels) in PyTorch, 2 threads. */
async function torchConvPeak(): Promise<number | undefined> {
  const code = "import time,torch,torch.nn.functional as F;torch.set_num_threads(2);" +
    "x=torch.rand(8,256,56,56);w=torch.rand(256,256,3,3);F.conv2d(x,w,padding=1);" +
    "t=time.perf_counter();[F.conv2d(x,w,padding=1) for _ in range(3)];" +
    "print(2*8*56*56*256*256*9/((time.perf_counter()-t)/3)/1e9)";
  try {
    const out = await new Deno.Command("/usr/bin/python3", {
      args: ["-c", code],
      stdout: "piped",
      stderr: "null",
    }).output();
    return out.code === 0 ? Number(new TextDecoder().decode(out.stdout)) : undefined;
  } catch {
    return undefined;
  }
}

// -------------------------------------------------------------------- main

/** GFLOP/s of the WASM-SIMD microkernel on the backend's threads, once measured. */
let ceiling: number | undefined;
/** GFLOP/s of native 128-bit FMA on as many threads, once measured. */
let hardware: number | undefined;

env.backend = args.values.backend as typeof env.backend;
env.threads = Number(args.values.threads);
const choice = await initBackend();
console.log(
  `backend: ${choice.name} (${choice.reason}); ${navigator.hardwareConcurrency} CPU threads visible; ${RUNS} timed runs after one warm-up`,
);
console.log(
  `date: ${
    new Date().toISOString().slice(0, 10)
  }; deno ${Deno.version.deno}, tfjs ${tf.version_core}`,
);
if (STEPS.some((c) => wanted(c.id))) {
  const peak = await matmulPeak();
  const native = await torchConvPeak();
  const threads = Math.max(1, wasmThreadsInUse());
  const plain = await simdPeak("plain", threads);
  const relaxed = await simdPeak("relaxed", threads);
  ceiling = Math.max(plain.gflops ?? 0, relaxed.gflops ?? 0) || undefined;
  const fma = await fmaPeak(threads);
  hardware = fma.gflops;
  const gf = (p: { gflops?: number; missing?: string }) =>
    p.gflops !== undefined ? `${p.gflops.toFixed(1)} GFLOP/s` : `missing (${p.missing})`;
  console.log(
    `\npeaks: tfjs-${choice.name} matmul 1024 (${wasmThreadsInUse()} thread(s)) ${
      peak.toFixed(1)
    } GFLOP/s; ${
      native ? `PyTorch 3x3 conv (2 threads) ${native.toFixed(1)} GFLOP/s` : "PyTorch missing"
    }`,
  );
  console.log(
    `WASM-SIMD ceiling (6x8 GEMM microkernel in registers, ${threads} thread(s)): ` +
      `multiply+add ${gf(plain)}, relaxed FMA ${gf(relaxed)}`,
  );
  console.log(`128-bit FMA peak (native, no loads, ${threads} thread(s)): ${gf(fma)}`);
  console.log(
    `\ntraining step (forward, backward, SGD update), medians; tfjs and PyTorch in turn, ${ROUNDS}` +
      ` rounds of ${RUNS}, ratio: the median of the rounds' ratios:`,
  );
  console.log(
    `  ${"case".padEnd(16)}${"tfjs-wasm".padStart(10)}${"GFLOP/s*".padStart(9)}${
      "torch 2t".padStart(10)
    }${"GFLOP/s".padStart(9)}${"ratio".padStart(8)}${"floor".padStart(9)}${
      "floor/torch".padStart(12)
    }${"bound".padStart(9)}${"bound/torch".padStart(12)}  what`,
  );
  console.log(
    "  (GFLOP/s*: direct-equivalent, the direct convolutions' FLOPs over the time, whatever the" +
      " algorithm;\n   floor: those FLOPs at the WASM-SIMD ceiling; bound: at the native 128-bit" +
      " FMA peak, the hardware bound of 128-bit code)",
  );
}
for (const c of STEPS) {
  if (!wanted(c.id)) continue;
  const peakKnown = resetPeakRss();
  const { times, flops, torch, ratio, ratios } = await timeStep(c);
  const peak = peakKnown ? peakRssMiB() : undefined;
  const t = median(times);
  const floor = ceiling ? flops / 1e9 / ceiling : undefined;
  const bound = hardware ? flops / 1e9 / hardware : undefined;
  const cells = (torch.step
    ? `${seconds(torch.step).padStart(10)}${(flops / torch.step / 1e9).toFixed(1).padStart(9)}${
      `${(ratio ?? t / torch.step).toFixed(2)}x`.padStart(8)
    }`
    : `${"-".padStart(10)}${"-".padStart(9)}${"-".padStart(8)}`) +
    `${(floor ? seconds(floor) : "-").padStart(9)}${
      (floor && torch.step ? `${(floor / torch.step).toFixed(1)}x` : "-").padStart(12)
    }${(bound ? seconds(bound) : "-").padStart(9)}${
      (bound && torch.step ? `${(bound / torch.step).toFixed(1)}x` : "-").padStart(12)
    }`;
  console.log(
    `  ${c.id.padEnd(16)}${seconds(t).padStart(10)}${
      (flops / t / 1e9).toFixed(1).padStart(9)
    }${cells}  ${c.what} (${(flops / 1e9).toFixed(1)} GFLOP${
      peak ? `, peak RSS ${peak.toFixed(0)} MiB` : ""
    })`,
  );
  if (torch.missing) {
    console.log(`    (${torch.missing})`);
  }
  if (ratios.length > 1) {
    // The host's speed drifts: each round's ratio shows how far.
    console.log(`    ratio by round: ${
      ratios.map((r) => `${r.toFixed(2)}x`).join(", ")
    }`);
  }
}
if (wanted("layers")) benchLayers(RUNS);
if (wanted("infer")) await inference(RUNS);
console.log(
  `\n${peakRssMiB() ? "peak RSS since the last case" : "RSS now"} ${
    (peakRssMiB() ?? Deno.memoryUsage().rss / 2 ** 20).toFixed(0)
  } MiB; tensors alive at the end ${tf.memory().numTensors}`,
);
