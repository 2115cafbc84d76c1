/**
 * What the recipe's levers cost per training step, side by side in one
 * process, at the `cpu` preset's batch of 16 at 128x128: min-max at output
 * stride 32, 16 (the preset) and 8, with erasing, with the classifier terms
 * stopped at the backbone, as a localizer warm-up step, and the WILDCAT and
 * CAM baselines' steps. Medians of RUNS steps after one warm-up, rounds
 * interleaved so that a change in the machine's load hits every case alike;
 * the ratios to the first case are what to read.
 *
 * @example
 * ```sh
 * deno run -A tasks/bench_recipe_cost.ts --runs 5
 * ```
 * @module
 */
import { parseArgs } from "node:util";
import { type BaselineNet, buildModel, isMinMax, type MinMaxNet } from "@pointwise/core/model";
import { type Config, env, PRESETS, withOverrides } from "@pointwise/core/lite";
import { initBackend, Rng } from "@pointwise/core";
import { baselineStep, Sgd, trainStep } from "@pointwise/core/train";
import { tf } from "@pointwise/core/tf";

/** One lever: a config and how the step runs. */
export interface CostCase {
  id: string;
  what: string;
  config: Config;
  erase?: boolean;
  localizerOnly?: boolean;
}

/** The cases, the reference's output stride first (the ratios are to it). */
export function costCases(base: Config = PRESETS.cpu): CostCase[] {
  const c = (o: Partial<Config>) => withOverrides(base, o);
  return [
    {
      id: "os32",
      what: "min-max at output stride 32 (the reference's), no erasing pass",
      config: c({ outputStride: 32 }),
    },
    {
      id: "default",
      what: `min-max, the cpu preset (output stride ${base.outputStride}), no erasing pass`,
      config: base,
    },
    { id: "os8", what: "min-max at output stride 8", config: c({ outputStride: 8 }) },
    {
      id: "erase",
      what: "the cpu preset with 2 erasing passes (its steps from epoch 2)",
      config: base,
      erase: true,
    },
    {
      id: "grad-none",
      what: "the cpu preset, classifier terms stopped at the backbone",
      config: c({ backboneGrad: "none" }),
    },
    {
      id: "warmup",
      what: "the cpu preset's warm-up step (L_seg alone)",
      config: base,
      localizerOnly: true,
    },
    { id: "wildcat", what: "WILDCAT baseline (cpu preset)", config: c({ method: "wildcat" }) },
    {
      id: "wildcat-os32",
      what: "WILDCAT at output stride 32",
      config: c({ method: "wildcat", outputStride: 32 }),
    },
    { id: "cam", what: "CAM baseline (cpu preset)", config: c({ method: "cam" }) },
  ];
}

interface Prepared {
  c: CostCase;
  net: MinMaxNet | BaselineNet;
  opt: Sgd;
  step: () => Promise<unknown>;
  times: number[];
}

function prepare(c: CostCase, x: tf.Tensor4D, labels: number[]): Prepared {
  const rng = new Rng(0);
  const net = buildModel(c.config, ["a", "b"], rng);
  const params = new Map(net.store.trainableNames().map((n) => [n, net.store.get(n)]));
  const opt = new Sgd(params, { lr: 1e-3, momentum: 0.9, nesterov: true, weightDecay: 1e-5 });
  const o = {
    erase: c.erase ?? false,
    eraseTimes: 2,
    sigmaErase: 10,
    rng,
    backboneGrad: c.config.backboneGrad,
    localizerOnly: c.localizerOnly,
  };
  const step = isMinMax(net)
    ? () => trainStep(net, opt, { x, labels }, o)
    : () => baselineStep(net, opt, { x, labels }, rng);
  return { c, net, opt, step, times: [] };
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: { runs: { type: "string" }, only: { type: "string" }, help: { type: "boolean" } },
  });
  if (values.help) {
    console.log(
      "usage: deno run -A tasks/bench_recipe_cost.ts [--runs N] [--only ID,ID]\n  cases: " +
        costCases().map((c) => c.id).join(", "),
    );
    Deno.exit(0);
  }
  const runs = Number(values.runs ?? "5");
  if (!Number.isInteger(runs) || runs < 1) {
    console.error("error: --runs expects a positive integer");
    Deno.exit(2);
  }
  const only = values.only?.split(",");
  const cases = costCases().filter((c) => only === undefined || only.includes(c.id));
  env.backend = "wasm";
  const backend = await initBackend();
  const base = PRESETS.cpu;
  const x = tf.randomUniform([base.batchSize, base.crop, base.crop, 3], -1, 1, "float32", 1);
  const labels = Array.from({ length: base.batchSize }, (_, i) => i % 2);
  const prepared = cases.map((c) => prepare(c, x as tf.Tensor4D, labels));
  for (const p of prepared) await p.step(); // warm-up
  for (let r = 0; r < runs; r++) {
    for (const p of prepared) {
      const t0 = performance.now();
      await p.step();
      p.times.push((performance.now() - t0) / 1000);
    }
  }
  const median = (t: number[]) => [...t].sort((a, b) => a - b)[t.length >> 1];
  const ref = median(prepared[0].times);
  console.log(
    `training step, batch ${base.batchSize} at ${base.crop}x${base.crop}, ${backend.name}, ` +
      `median of ${runs}:`,
  );
  for (const p of prepared) {
    const m = median(p.times);
    console.log(
      `  ${p.c.id.padEnd(15)} ${(m * 1000).toFixed(0).padStart(6)} ms  ${
        (m / ref).toFixed(2).padStart(5)
      }x  ${p.c.what}`,
    );
  }
  for (const p of prepared) {
    p.opt.dispose();
    p.net.dispose();
  }
  x.dispose();
}
