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
import {
  type Checkpoint,
  type Config,
  decodeCheckpoint,
  type Method,
  METHODS,
  PRESETS,
  withOverrides,
} from "@pointwise/core/lite";
import { type Dataset, type DataSpec, describeDataSpec, encodeJpeg } from "@pointwise/core/data";
import { encodeCheckpoint } from "@pointwise/core/io";
import { evaluate } from "@pointwise/core/eval";
import type { MetricsSummary } from "@pointwise/core/metrics";
import { TfjsLocalizer, Trainer, type TrainerOptions } from "@pointwise/core";
import { type FigureRow, loadFont, methodFigure } from "@pointwise/core/viz";
import {
  configHelp,
  configOptions,
  configOverrides,
  int,
  type OptionSpecs,
  parseCommand,
  str,
  UsageError,
} from "@pointwise/cli/args";
import {
  backboneInit,
  BACKEND_HELP,
  INIT_HELP,
  INIT_OPTIONS,
  loadDataWithProgress as loadData,
  startBackend,
} from "@pointwise/cli/flags";
import { writeFileAtomic } from "@pointwise/cli/files";
import { type RunInfo, writeRunInfo } from "@pointwise/cli/run-folder";
import {
  duration,
  floorRows,
  fmt,
  type HelpRow,
  helpSection,
  methodName,
  Progress,
} from "@pointwise/cli/console";
import {
  aggregate,
  configSummary,
  markdownTable,
  type MethodResult,
  resultsMarkdown,
} from "./method_bench_report.ts";

/** What a bench compares on. */
export interface BenchSpec {
  /** Short name: the output folder and the task. */
  name: string;
  title: string;
  /** Bench-specific flags (data location, sizes) and their help. */
  options: Record<string, { type: "string" | "boolean" }>;
  optionsHelp: HelpRow[];
  /** The data, from the parsed flags; `evalRole` is scored, `valid` selects. */
  data: (
    values: Record<string, unknown>,
  ) => { spec: DataSpec; evalRole: string } | Promise<{ spec: DataSpec; evalRole: string }>;
  /** The bench's configuration (documented in the README), before flags. */
  base: Config;
  /** Figure panels: shrink wider ones, enlarge narrower ones. */
  panelWidth: number;
  minPanelWidth?: number;
}

const BENCH_OPTIONS = {
  help: { type: "boolean", short: "h" },
  backend: { type: "string" },
  threads: { type: "string" },
  methods: { type: "string" },
  out: { type: "string" },
  preset: { type: "string" },
  seeds: { type: "string" },
  "figure-images": { type: "string" },
} as const;

function help(b: BenchSpec): string {
  const bench = helpSection("bench", [
    ["--methods LIST", `comma-separated, from ${METHODS.join(", ")} [all]`],
    ["--out DIR", `where results, weights and the figure go [runs/bench-${b.name}]`],
    ["--preset bench|reference", "the bench's 2-core configuration, or the paper's (GPU) [bench]"],
    [
      "--seeds LIST",
      "comma-separated seeds; each method trains once per seed, the table gives mean ± sd and " +
      "each seed [the --seed setting's value]",
    ],
    ["--figure-images N", "images of the scored split in the figure [4]"],
  ]);
  return `${b.title}: min-max entropy against the baselines, trained and scored by the same code.

usage: deno task bench:${b.name} [options]

${bench}
${helpSection("data", b.optionsHelp)}
${INIT_HELP}
${BACKEND_HELP}

Training settings follow, with this bench's defaults (the method comes from --methods):
${configHelp(b.base, ["method"])}`;
}

/** The bench's options: its own, the data's and every training setting but the method. */
function benchOptions(b: BenchSpec): OptionSpecs {
  const { method: _, ...settings } = configOptions();
  return { ...BENCH_OPTIONS, ...INIT_OPTIONS, ...b.options, ...settings };
}

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

/** What the command line asks of a bench. */
interface BenchArgs {
  values: Record<string, unknown>;
  methods: Method[];
  config: Config;
  data: { spec: DataSpec; evalRole: string };
  figureCount: number;
  seeds: number[];
  /** What the run descriptions name as the settings' start: `bench:<name>` or `reference`. */
  preset: string;
  /** Imports `--init-backbone` into each fresh network; undefined without it. */
  init: TrainerOptions["init"];
}

/** Reads and checks the flags; an exit code instead when the run stops here (help, usage). */
async function parseBenchArgs(b: BenchSpec, argv: string[]): Promise<BenchArgs | number> {
  let values: Record<string, unknown>;
  try {
    values = parseCommand(argv, benchOptions(b), false).values;
  } catch (e) {
    console.error(`error: ${(e as Error).message}\nsee: deno task bench:${b.name} --help`);
    return 2;
  }
  if (values.help) {
    console.log(help(b));
    return 0;
  }
  try {
    return { values, ...await benchSettings(b, values) };
  } catch (e) {
    if (e instanceof UsageError) {
      console.error(`error: ${e.message}\nsee: deno task bench:${b.name} --help`);
      return 2;
    }
    throw e;
  }
}

/** The methods, configuration, seeds, data and figure size the flags give; throws UsageError. */
async function benchSettings(
  b: BenchSpec,
  values: Record<string, unknown>,
): Promise<Omit<BenchArgs, "values">> {
  const methods = parseMethods(str(values, "methods"));
  const preset = str(values, "preset", "bench");
  if (preset !== "bench" && preset !== "reference") {
    throw new UsageError(`--preset must be bench or reference, got '${preset}'`);
  }
  const overrides = configOverrides(values);
  const config = withOverrides(preset === "bench" ? b.base : PRESETS.reference, overrides);
  const seeds = parseSeeds(str(values, "seeds"), config.seed);
  const data = await b.data(values);
  const figureCount = int(values, "figure-images", 4, 0, 64);
  const init = await backboneInit(values, config);
  return {
    methods,
    config,
    data,
    figureCount,
    seeds,
    preset: preset === "bench" ? `bench:${b.name}` : preset,
    init,
  };
}

/** `--methods a,b` as methods; every method without it. */
function parseMethods(text: string | undefined): Method[] {
  const methods = (text ?? METHODS.join(",")).split(",").map((m) => m.trim()) as Method[];
  const unknown = methods.filter((m) => !METHODS.includes(m));
  if (unknown.length > 0) {
    throw new UsageError(
      `--methods: unknown ${unknown.join(", ")} (choose from ${METHODS.join(", ")})`,
    );
  }
  return methods;
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

/** `--seeds 0,1,2` as numbers (distinct non-negative integers); `fallback` alone without it. */
export function parseSeeds(text: string | undefined, fallback: number): number[] {
  if (text === undefined) return [fallback];
  const seeds = text.split(",").map((t) => t.trim());
  const bad = seeds.filter((t) => !/^\d+$/.test(t));
  if (seeds.length === 0 || bad.length > 0) {
    throw new UsageError(`--seeds expects comma-separated non-negative integers, got '${text}'`);
  }
  const values = seeds.map(Number);
  if (new Set(values).size !== values.length) {
    throw new UsageError(`--seeds lists a seed twice: '${text}'`);
  }
  return values;
}
