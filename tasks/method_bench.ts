/**
 * The method comparison behind `deno task bench:glas` and `bench:digits`:
 * trains min-max entropy and each baseline with the same loop, selects each
 * on the validation split (lowest classification error, as the reference),
 * scores the selected weights on the evaluation split with the same code,
 * and writes a markdown table, a JSON record and a side-by-side figure.
 * Grad-CAM is post hoc: it reads the CAM run's plainly trained classifier.
 * With `--seeds 0,1,2` every method is trained once per seed (seeds outside,
 * methods inside, so a whole table exists after the first seed) and the
 * table gives the mean ± sd and each seed's row.
 *
 * @example
 * ```ts ignore
 * await runMethodBench({ name: "digits", title: "Cluttered digits", data, roles, base, argv });
 * ```
 * @module
 */
import { join } from "node:path";
import { type Checkpoint, type Config, decodeCheckpoint, type Method } from "@pointwise/core/lite";
import { type Dataset, describeDataSpec, encodeJpeg } from "@pointwise/core/data";
import { encodeCheckpoint } from "@pointwise/core/io";
import { evaluate } from "@pointwise/core/eval";
import type { MetricsSummary } from "@pointwise/core/metrics";
import { TfjsLocalizer, Trainer, type TrainerOptions } from "@pointwise/core";
import { type FigureRow, loadFont, methodFigure } from "@pointwise/core/viz";
import { str } from "@pointwise/cli/args";
import { loadDataWithProgress as loadData, startBackend } from "@pointwise/cli/flags";
import { writeFileAtomic } from "@pointwise/cli/files";
import { type RunInfo, writeRunInfo } from "@pointwise/cli/run-folder";
import { duration, floorRows, fmt, methodName, Progress } from "@pointwise/cli/console";
import {
  aggregate,
  configSummary,
  markdownTable,
  type MethodResult,
  resultsMarkdown,
} from "./method_bench_report.ts";
import { type BenchArgs, type BenchSpec, parseBenchArgs } from "./method_bench_args.ts";

export type { BenchSpec } from "./method_bench_args.ts";

/** Evenly spread sample indices (so both classes tend to appear in the figure). */
function spread(n: number, k: number): number[] {
  if (k >= n) return Array.from({ length: n }, (_, i) => i);
  return Array.from({ length: k }, (_, i) => Math.floor(((i + 0.5) * n) / k));
}

/** A trained method: its best checkpoint, best epoch and wall time. */
interface TrainedRun {
  best: Checkpoint;
  bestEpoch: number;
  seconds: number;
}

/**
 * Trains one method and writes its best weights, history and run description
 * to `outDir`: a run folder that `eval` and `train --resume` read like
 * `train`'s (eval then scores the built-in data's own test set by default).
 */
async function trainMethod(
  config: Config,
  train: Dataset,
  valid: Dataset,
  outDir: string,
  info: RunInfo,
  init: TrainerOptions["init"],
): Promise<TrainedRun> {
  let bar = null as Progress | null;
  let best: Uint8Array | null = null;
  const label = methodName(config.method);
  const trainer = new Trainer({
    config,
    train,
    valid,
    init,
    onStep: (e) => {
      if (e.step === 1) bar = new Progress(`${label} epoch ${e.epoch + 1}/${config.epochs}`);
      bar!.update(e.step, e.stepsPerEpoch, `loss ${fmt(e.losses.total, 3)}`);
    },
    onEpoch: async (e) => {
      bar?.done();
      const v = e.record.valid;
      console.error(
        `${label} epoch ${e.record.epoch + 1}/${config.epochs}: loss ${
          fmt(e.record.train.total, 3)
        }, ` +
          `valid err ${fmt(v.classError)} F1+ ${fmt(v.f1Pos)} F1- ${fmt(v.f1Neg)} ` +
          `PxAP ${fmt(v.pxap)} (${duration(e.record.seconds)})${e.record.best ? " best" : ""}`,
      );
      if (e.record.best) best = encodeCheckpoint(await e.checkpoint());
    },
  });
  const t0 = performance.now();
  let bestEpoch: number;
  try {
    await trainer.run();
    bestEpoch = trainer.bestEpoch;
    await writeFileAtomic(
      join(outDir, "history.json"),
      JSON.stringify(trainer.history, null, 1) + "\n",
    );
  } finally {
    bar?.done();
    trainer.dispose();
  }
  const seconds = (performance.now() - t0) / 1000;
  await writeFileAtomic(join(outDir, "best.safetensors"), best!);
  await writeRunInfo(outDir, info);
  return { best: decodeCheckpoint(best!, join(outDir, "best.safetensors")), bestEpoch, seconds };
}

/** Scores a checkpoint; keeps the maps of the figure's images. */
async function score(
  checkpoint: Checkpoint,
  data: Dataset,
  figureIds: Set<string>,
  maps: Map<string, Float32Array>,
  label: string,
): Promise<MetricsSummary> {
  const localizer = TfjsLocalizer.fromCheckpoint(checkpoint);
  const bar = new Progress(`scoring ${label}`);
  try {
    const { summary } = await evaluate(localizer, data, {
      onProgress: (d, t) => bar.update(d, t),
      onImage: (r) => {
        if (figureIds.has(r.sample.id)) maps.set(r.sample.id, r.prediction.mask);
      },
    });
    return summary;
  } finally {
    bar.done();
    localizer.dispose();
  }
}

/** One bench run's fixed parts, and the results and figure maps it gathers. */
interface BenchRun {
  b: BenchSpec;
  args: BenchArgs;
  out: string;
  started: Date;
  command: string;
  backend: string;
  train: Dataset;
  valid: Dataset;
  evalSet: Dataset;
  evalDesc: string;
  floors: [string, MetricsSummary][];
  figureIdx: number[];
  figureIds: Set<string>;
  /** The first seed's maps of the figure's images, by method. */
  maps: Map<Method, Map<string, Float32Array>>;
  results: MethodResult[];
}

/** Loads the data, starts the backend and says what the bench compares. */
async function startBench(b: BenchSpec, args: BenchArgs, argv: string[]): Promise<BenchRun> {
  const { values, methods, config, data, seeds } = args;
  const out = str(values, "out") ?? join("runs", `bench-${b.name}`);
  const started = new Date();
  const train = await loadData(data.spec, "train");
  const valid = await loadData(data.spec, "valid", { classes: train.classes });
  const evalSet = data.evalRole === "valid"
    ? valid
    : await loadData(data.spec, data.evalRole, { classes: train.classes, requireMasks: true });
  const backend = await startBackend(values);
  console.error(
    `${b.title}: ${methods.map(methodName).join(", ")}; seeds ${seeds.join(", ")}\n` +
      `train: ${describeDataSpec(data.spec, "train")}\nselect on: ${
        describeDataSpec(data.spec, "valid")
      }\n` +
      `score on: ${describeDataSpec(data.spec, data.evalRole)}\nconfiguration: ${
        configSummary(config)
      }`,
  );
  const figureIdx = spread(evalSet.samples.length, args.figureCount);
  return {
    b,
    args,
    out,
    started,
    command: `deno task bench:${b.name}${argv.length ? " " + argv.join(" ") : ""}`,
    backend: backend.name,
    train,
    valid,
    evalSet,
    evalDesc: describeDataSpec(data.spec, data.evalRole),
    floors: floorRows(evalSet),
    figureIdx,
    figureIds: new Set(figureIdx.map((i) => evalSet.samples[i].id)),
    maps: new Map(),
    results: [],
  };
}

/** A method to train for a seed. */
interface BenchJob {
  seed: number;
  method: Method;
}

/** Writes results.md, results.json and the figure; returns the results in method, then seed order. */
async function writeResults(r: BenchRun, pending: BenchJob[]): Promise<MethodResult[]> {
  const { methods, seeds } = r.args;
  const sorted = [...r.results].sort((x, y) =>
    methods.indexOf(x.method) - methods.indexOf(y.method) ||
    seeds.indexOf(x.seed) - seeds.indexOf(y.seed)
  );
  const shown = methods.filter((m) => r.maps.has(m));
  await writeFileAtomic(join(r.out, "results.md"), resultsPage(r, sorted, shown, pending));
  const record = resultsRecord(r, sorted, pending);
  await writeFileAtomic(join(r.out, "results.json"), JSON.stringify(record, null, 1) + "\n");
  if (r.figureIdx.length > 0 && shown.length > 0) await writeFigure(r, shown);
  return sorted;
}

/** results.md. */
function resultsPage(
  r: BenchRun,
  sorted: MethodResult[],
  shown: Method[],
  pending: BenchJob[],
): string {
  const { data, seeds, config } = r.args;
  return resultsMarkdown({
    title: r.b.title,
    date: r.started,
    command: r.command,
    cores: navigator.hardwareConcurrency,
    backend: r.backend,
    seconds: (Date.now() - r.started.getTime()) / 1000,
    trainDesc: describeDataSpec(data.spec, "train"),
    validDesc: describeDataSpec(data.spec, "valid"),
    validImages: r.valid.samples.length,
    evalDesc: r.evalDesc,
    selfSelected: data.evalRole === "valid",
    seeds,
    config,
    initBackbone: str(r.args.values, "init-backbone"),
    table: markdownTable(sorted, r.floors),
    figure: r.figureIdx.length > 0 && shown.length > 0,
    pending: pending.map((j) => `${methodName(j.method)} (seed ${j.seed})`),
  });
}

/** What results.json holds. */
function resultsRecord(r: BenchRun, sorted: MethodResult[], pending: BenchJob[]) {
  const { data, seeds, config, methods } = r.args;
  return {
    bench: r.b.name,
    date: r.started.toISOString(),
    command: r.command,
    cores: navigator.hardwareConcurrency,
    backend: r.backend,
    data: data.spec,
    evalRole: data.evalRole,
    config,
    initBackbone: str(r.args.values, "init-backbone") ?? null,
    seeds,
    results: sorted,
    aggregates: methods.map((m) => aggregate(sorted.filter((x) => x.method === m)) ?? null),
    floors: Object.fromEntries(r.floors),
    pending,
  };
}

/** figure.jpg: the figure's images, their ground truth and each shown method's map. */
async function writeFigure(r: BenchRun, shown: Method[]): Promise<void> {
  const rows: FigureRow[] = r.figureIdx.map((i) => {
    const s = r.evalSet.samples[i];
    return {
      image: s.image,
      gt: s.mask?.data ?? null,
      maps: shown.map((m) => r.maps.get(m)!.get(s.id)!),
    };
  });
  const fig = methodFigure(await loadFont(), shown.map(methodName), rows, {
    panelWidth: r.b.panelWidth,
    minPanelWidth: r.b.minPanelWidth,
  });
  // A photograph-like picture: JPEG is a fraction of the PNG's size.
  await writeFileAtomic(join(r.out, "figure.jpg"), await encodeJpeg(fig));
}

/**
 * Trains one method for one seed (Grad-CAM takes `cam`, CAM's run, when there
 * is one) and scores it; returns its row, its run once trained, and its maps
 * once scored.
 */
async function benchJob(
  r: BenchRun,
  { seed, method }: BenchJob,
  cam: TrainedRun | undefined,
): Promise<{ result: MethodResult; run?: TrainedRun; maps?: Map<string, Float32Array> }> {
  const reuse = method === "gradcam" && cam !== undefined ? "cam" : undefined;
  const label = `${methodName(method)} (seed ${seed})`;
  let run: TrainedRun | undefined;
  try {
    run = reuse ? cam! : await trainMethod(
      { ...r.args.config, method, seed },
      r.train,
      r.valid,
      join(r.out, method, `seed-${seed}`),
      { data: r.args.data.spec, preset: r.args.preset, started: r.started.toISOString() },
      r.args.init,
    );
    const checkpoint = { ...run.best, config: { ...run.best.config, method } };
    const maps = new Map<string, Float32Array>();
    const summary = await score(checkpoint, r.evalSet, r.figureIds, maps, label);
    console.error(
      `${label}: err ${fmt(summary.classError)} F1+ ${fmt(summary.f1Pos)} ` +
        `F1- ${fmt(summary.f1Neg)} PxAP ${fmt(summary.pxap)}`,
    );
    const { bestEpoch, seconds } = run;
    return {
      result: { method, seed, summary, bestEpoch, trainSeconds: seconds, sharedWith: reuse },
      run,
      maps,
    };
  } catch (e) {
    // One method failing (e.g. diverging) must not lose the others' results.
    const error = (e as Error).message;
    console.error(`${label} failed: ${error}`);
    return { result: { method, seed, error, bestEpoch: -1, trainSeconds: NaN }, run };
  }
}

/** Runs the bench from command-line arguments; returns the exit code. */
export async function runMethodBench(b: BenchSpec, argv: string[]): Promise<number> {
  try {
    const args = await parseBenchArgs(b, argv);
    if (typeof args === "number") return args;
    return await runJobs(await startBench(b, args, argv));
  } catch (e) {
    // Bad files (data, starting weights) name themselves in the message: no stack trace.
    console.error(`error: ${(e as Error).message}`);
    return 1;
  }
}

/** Trains and scores every method for every seed, writing the results after each. */
async function runJobs(r: BenchRun): Promise<number> {
  const { b, args } = r;
  const { methods, seeds } = args;
  // Grad-CAM reads a plainly trained GAP classifier, which is exactly CAM's network.
  const order = [...methods].sort((a, b) => Number(a === "gradcam") - Number(b === "gradcam"));
  const jobs = seeds.flatMap((seed) => order.map((method) => ({ seed, method })));
  let cam: TrainedRun | undefined;
  for (const [k, job] of jobs.entries()) {
    const done = await benchJob(r, job, cam);
    // Each seed's Grad-CAM reads that seed's CAM run; without one it trains its own.
    if (job.method === "cam") cam = done.run;
    // The figure shows the first seed's maps.
    if (done.maps !== undefined && job.seed === seeds[0]) r.maps.set(job.method, done.maps);
    r.results.push(done.result);
    await writeResults(r, jobs.slice(k + 1));
  }
  const sorted = await writeResults(r, []);
  console.log(`\n${b.title}, scored on ${r.evalDesc}:\n`);
  console.log(markdownTable(sorted, r.floors));
  console.log(
    `\nwritten: ${
      join(r.out, "results.md")
    }, results.json, figure.jpg, <method>/seed-<N>/best.safetensors`,
  );
  return sorted.some((x) => x.summary === undefined) ? 1 : 0;
}
