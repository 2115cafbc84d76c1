/**
 * The method comparison behind `deno task bench:glas` and `bench:digits`:
 * trains min-max entropy and each baseline with the same loop, selects each
 * on the validation split (lowest classification error, as the reference),
 * scores the selected weights on the evaluation split with the same code,
 * and writes a markdown table, a JSON record and a side-by-side figure.
 * Grad-CAM is post hoc: it reads the CAM run's plainly trained classifier.
 *
 * @example
 * ```ts ignore
 * await runMethodBench({ name: "digits", title: "Cluttered digits", data, roles, base, argv });
 * ```
 * @module
 */
import { join } from "node:path";
import { parseArgs } from "node:util";
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
import { TfjsLocalizer, Trainer } from "@pointwise/core";
import { type FigureRow, loadFont, methodFigure } from "@pointwise/core/viz";
import {
  configHelp,
  configOptions,
  configOverrides,
  int,
  str,
  UsageError,
} from "@pointwise/cli/args";
import { BACKEND_HELP, loadDataWithProgress as loadData, startBackend } from "@pointwise/cli/flags";
import { writeFileAtomic } from "@pointwise/cli/files";
import { duration, floorRows, fmt, methodName, Progress } from "@pointwise/cli/console";
import {
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
  optionsHelp: string;
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
  "figure-images": { type: "string" },
} as const;

function help(b: BenchSpec): string {
  return `${b.title}: min-max entropy against the baselines, trained and scored by the same code.

usage: deno task bench:${b.name} [options]

  --methods LIST               comma-separated, from ${METHODS.join(", ")} [all]
  --out DIR                    where results, weights and the figure go [runs/bench-${b.name}]
  --preset bench|reference     the bench's 2-core configuration, or the paper's (GPU) [bench]
  --figure-images N            images of the scored split in the figure [4]
${b.optionsHelp}
${BACKEND_HELP}
  settings (defaults shown are this bench's):
${configHelp(b.base)}`;
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

/** Trains one method and writes its best weights and history to `outDir`. */
async function trainMethod(
  config: Config,
  train: Dataset,
  valid: Dataset,
  outDir: string,
): Promise<TrainedRun> {
  let bar = null as Progress | null;
  let best: Uint8Array | null = null;
  const label = methodName(config.method);
  const trainer = new Trainer({
    config,
    train,
    valid,
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

/** Runs the bench from command-line arguments; returns the exit code. */
export async function runMethodBench(b: BenchSpec, argv: string[]): Promise<number> {
  let values: Record<string, unknown>;
  try {
    values = parseArgs({
      args: argv,
      options: { ...BENCH_OPTIONS, ...b.options, ...configOptions() },
      allowNegative: true,
      strict: true,
    }).values;
  } catch (e) {
    console.error(`error: ${(e as Error).message}\n\n${help(b)}`);
    return 2;
  }
  if (values.help) {
    console.log(help(b));
    return 0;
  }
  let methods: Method[];
  let config: Config;
  let data: { spec: DataSpec; evalRole: string };
  let figureCount: number;
  try {
    methods = (str(values, "methods") ?? METHODS.join(",")).split(",").map((m) =>
      m.trim()
    ) as Method[];
    const unknown = methods.filter((m) => !METHODS.includes(m));
    if (unknown.length > 0) {
      throw new UsageError(
        `--methods: unknown ${unknown.join(", ")} (choose from ${METHODS.join(", ")})`,
      );
    }
    const preset = str(values, "preset", "bench");
    if (preset !== "bench" && preset !== "reference") {
      throw new UsageError(`--preset must be bench or reference, got '${preset}'`);
    }
    const overrides = configOverrides(values);
    if (overrides.method !== undefined) throw new UsageError("use --methods to choose methods");
    config = withOverrides(preset === "bench" ? b.base : PRESETS.reference, overrides);
    data = await b.data(values);
    figureCount = int(values, "figure-images", 4, 0, 64);
  } catch (e) {
    if (e instanceof UsageError) {
      console.error(`error: ${e.message}\n\nrun with --help for the options`);
      return 2;
    }
    throw e;
  }
  const out = str(values, "out") ?? join("runs", `bench-${b.name}`);
  const started = new Date();
  const train = await loadData(data.spec, "train");
  const valid = await loadData(data.spec, "valid", { classes: train.classes });
  const evalSet = data.evalRole === "valid"
    ? valid
    : await loadData(data.spec, data.evalRole, { classes: train.classes, requireMasks: true });
  const backend = await startBackend(values);
  console.error(
    `${b.title}: ${methods.map(methodName).join(", ")}\n` +
      `train: ${describeDataSpec(data.spec, "train")}\nselect on: ${
        describeDataSpec(data.spec, "valid")
      }\n` +
      `score on: ${describeDataSpec(data.spec, data.evalRole)}\nconfiguration: ${
        configSummary(config)
      }`,
  );

  const figureIdx = spread(evalSet.samples.length, figureCount);
  const figureIds = new Set(figureIdx.map((i) => evalSet.samples[i].id));
  const maps = new Map<Method, Map<string, Float32Array>>();
  const results: MethodResult[] = [];
  let cam: TrainedRun | undefined;
  const floors = floorRows(evalSet);
  const command = `deno task bench:${b.name}${argv.length ? " " + argv.join(" ") : ""}`;
  const evalDesc = describeDataSpec(data.spec, data.evalRole);
  // Grad-CAM reads a plainly trained GAP classifier, which is exactly CAM's network.
  const order = [...methods].sort((a, b) => Number(a === "gradcam") - Number(b === "gradcam"));

  const write = async (pending: Method[]) => {
    const sorted = [...results].sort((x, y) =>
      methods.indexOf(x.method) - methods.indexOf(y.method)
    );
    const shown = sorted.filter((r) => r.summary !== undefined).map((r) => r.method);
    const page = resultsMarkdown({
      title: b.title,
      date: started,
      command,
      cores: navigator.hardwareConcurrency,
      backend: backend.name,
      seconds: (Date.now() - started.getTime()) / 1000,
      trainDesc: describeDataSpec(data.spec, "train"),
      validDesc: describeDataSpec(data.spec, "valid"),
      evalDesc,
      selfSelected: data.evalRole === "valid",
      config,
      table: markdownTable(sorted, floors),
      figure: figureIdx.length > 0 && shown.length > 0,
      pending,
    });
    await writeFileAtomic(join(out, "results.md"), page);
    const record = {
      bench: b.name,
      date: started.toISOString(),
      command,
      cores: navigator.hardwareConcurrency,
      backend: backend.name,
      data: data.spec,
      evalRole: data.evalRole,
      config,
      results: sorted,
      floors: Object.fromEntries(floors),
      pending,
    };
    await writeFileAtomic(join(out, "results.json"), JSON.stringify(record, null, 1) + "\n");
    if (figureIdx.length > 0 && shown.length > 0) {
      const rows: FigureRow[] = figureIdx.map((i) => {
        const s = evalSet.samples[i];
        return {
          image: s.image,
          gt: s.mask?.data ?? null,
          maps: shown.map((m) => maps.get(m)!.get(s.id)!),
        };
      });
      const fig = methodFigure(await loadFont(), shown.map(methodName), rows, {
        panelWidth: b.panelWidth,
        minPanelWidth: b.minPanelWidth,
      });
      // A photograph-like picture: JPEG is a fraction of the PNG's size.
      await writeFileAtomic(join(out, "figure.jpg"), await encodeJpeg(fig));
    }
    return sorted;
  };

  for (const [k, method] of order.entries()) {
    const reuse = method === "gradcam" && cam !== undefined ? "cam" : undefined;
    try {
      const run = reuse
        ? cam!
        : await trainMethod({ ...config, method }, train, valid, join(out, method));
      if (method === "cam") cam = run;
      const checkpoint = { ...run.best, config: { ...run.best.config, method } };
      const m = new Map<string, Float32Array>();
      const summary = await score(checkpoint, evalSet, figureIds, m, methodName(method));
      maps.set(method, m);
      results.push({
        method,
        summary,
        bestEpoch: run.bestEpoch,
        trainSeconds: run.seconds,
        sharedWith: reuse,
      });
      console.error(
        `${methodName(method)}: err ${fmt(summary.classError)} F1+ ${fmt(summary.f1Pos)} ` +
          `F1- ${fmt(summary.f1Neg)} PxAP ${fmt(summary.pxap)}`,
      );
    } catch (e) {
      // One method failing (e.g. diverging) must not lose the others' results.
      const error = (e as Error).message;
      console.error(`${methodName(method)} failed: ${error}`);
      results.push({ method, error, bestEpoch: -1, trainSeconds: NaN });
    }
    await write(order.slice(k + 1));
  }
  const sorted = await write([]);
  console.log(`\n${b.title}, scored on ${evalDesc}:\n`);
  console.log(markdownTable(sorted, floors));
  console.log(
    `\nwritten: ${join(out, "results.md")}, results.json, figure.jpg, <method>/best.safetensors`,
  );
  return sorted.some((r) => r.summary === undefined) ? 1 : 0;
}
