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
  type Dataset,
  decodeCheckpoint,
  encodeCheckpoint,
  encodePng,
  evaluate,
  type FigureRow,
  Localizer,
  type Method,
  methodFigure,
  METHODS,
  type MetricsSummary,
  PRESETS,
  Trainer,
  withOverrides,
} from "@pointwise/core";
import {
  configHelp,
  configOptions,
  configOverrides,
  int,
  str,
  UsageError,
} from "../apps/cli/args.ts";
import { BACKEND_HELP, startBackend } from "../apps/cli/backend_flag.ts";
import { type DataSpec, describeSpec, loadData } from "../apps/cli/data_source.ts";
import { writeFileAtomic } from "../apps/cli/files.ts";
import { Progress } from "../apps/cli/progress.ts";
import { floorRows, methodName } from "../apps/cli/report.ts";
import { duration, fmt } from "../apps/cli/table.ts";

/** What a bench compares on. */
export interface BenchSpec {
  /** Short name: the output folder and the task. */
  name: string;
  title: string;
  /** Bench-specific flags (data location, sizes) and their help. */
  options: Record<string, { type: "string" | "boolean" }>;
  optionsHelp: string;
  /** The data, from the parsed flags; `evalRole` is scored, `valid` selects. */
  data: (values: Record<string, unknown>) => { spec: DataSpec; evalRole: string };
  /** The bench's configuration (documented in the README), before flags. */
  base: Config;
  /** Figure panels: shrink wider ones, enlarge narrower ones. */
  panelWidth: number;
  minPanelWidth?: number;
}

/** One method's outcome. */
export interface MethodResult {
  method: Method;
  summary: MetricsSummary;
  bestEpoch: number;
  trainSeconds: number;
  /** The method whose training it reuses (Grad-CAM reads CAM's classifier). */
  sharedWith?: Method;
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
  --figure-images N            validation images in the figure [4]
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

/** Trains one method; returns its best checkpoint, best epoch and wall time. */
async function trainMethod(
  config: Config,
  train: Dataset,
  valid: Dataset,
  outDir: string,
): Promise<{ best: Checkpoint; bestEpoch: number; seconds: number }> {
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
  try {
    await trainer.run();
  } finally {
    bar?.done();
  }
  const seconds = (performance.now() - t0) / 1000;
  const bestEpoch = trainer.bestEpoch;
  await writeFileAtomic(
    join(outDir, "history.json"),
    JSON.stringify(trainer.history, null, 1) + "\n",
  );
  trainer.dispose();
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
  const localizer = Localizer.fromCheckpoint(checkpoint);
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

/** The results table, in markdown. */
export function markdownTable(results: MethodResult[], floors: [string, MetricsSummary][]): string {
  const header = [
    "method",
    "cl. err %",
    "F1+",
    "F1-",
    "PxAP",
    "Dice*",
    "mIoU*",
    "best epoch",
    "train time",
  ];
  const rows = results.map((r) => [
    methodName(r.method),
    fmt(r.summary.classError),
    fmt(r.summary.f1Pos),
    fmt(r.summary.f1Neg),
    fmt(r.summary.pxap),
    fmt(r.summary.bestDice),
    fmt(r.summary.bestMiou),
    String(r.bestEpoch + 1),
    r.sharedWith ? `(${methodName(r.sharedWith)}'s)` : duration(r.trainSeconds),
  ]);
  for (const [name, s] of floors) {
    rows.push([
      name,
      "–",
      fmt(s.f1Pos),
      fmt(s.f1Neg),
      fmt(s.pxap),
      fmt(s.bestDice),
      fmt(s.bestMiou),
      "–",
      "–",
    ]);
  }
  const line = (cells: string[]) => `| ${cells.join(" | ")} |`;
  return [line(header), line(header.map(() => "---")), ...rows.map(line)].join("\n");
}

function configSummary(c: Config): string {
  return `${c.arch}${c.deepStem ? " (deep stem)" : ""} x${c.width}, ${c.epochs} epochs of batch ` +
    `${c.batchSize} (${c.repeats} crop${
      c.repeats > 1 ? "s" : ""
    } of ${c.crop}x${c.crop} per image ` +
    `per epoch), SGD lr ${c.lr} (x${c.lrGamma} every ${c.lrStep} epochs, ${c.warmupSteps} warm-up ` +
    `steps), WILDCAT kmax ${c.kmax} dropout ${c.dropout}; min-max erasing ${c.eraseTimes} passes ` +
    `from epoch ${c.eraseStartEpoch + 1}; augmentation: reflect pad ${c.padFraction}, flips ` +
    `${c.hflip}/${c.vflip}, colour jitter ${c.brightness}/${c.contrast}/${c.saturation}/${c.hue}; ` +
    `seed ${c.seed}`;
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
    data = b.data(values);
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
      `train: ${describeSpec(data.spec, "train")}\nselect on: ${
        describeSpec(data.spec, "valid")
      }\n` +
      `score on: ${describeSpec(data.spec, data.evalRole)}\nconfiguration: ${
        configSummary(config)
      }`,
  );

  const figureIdx = spread(evalSet.samples.length, figureCount);
  const figureIds = new Set(figureIdx.map((i) => evalSet.samples[i].id));
  const maps = new Map<Method, Map<string, Float32Array>>();
  const results: MethodResult[] = [];
  const trained = new Map<Method, { best: Checkpoint; bestEpoch: number; seconds: number }>();
  // Grad-CAM reads a plainly trained GAP classifier, which is exactly CAM's network.
  const order = [...methods].sort((a, b) => Number(a === "gradcam") - Number(b === "gradcam"));
  for (const method of order) {
    const reuse = method === "gradcam" && trained.has("cam") ? "cam" : undefined;
    const run = reuse
      ? trained.get(reuse)!
      : await trainMethod({ ...config, method }, train, valid, join(out, method));
    if (!reuse) trained.set(method, run);
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
  }
  results.sort((x, y) => methods.indexOf(x.method) - methods.indexOf(y.method));
  const floors = floorRows(evalSet);
  const table = markdownTable(results, floors);
  const command = `deno task bench:${b.name}${argv.length ? " " + argv.join(" ") : ""}`;
  const cores = navigator.hardwareConcurrency;
  const evalDesc = describeSpec(data.spec, data.evalRole);
  const md = [
    `# ${b.title}: min-max entropy and baselines`,
    "",
    `Measured ${started.toISOString().slice(0, 10)} with \`${command}\` on ${cores} cores ` +
    `(${backend.name}), ${duration((Date.now() - started.getTime()) / 1000)} in all.`,
    "",
    `- trained on ${describeSpec(data.spec, "train")}`,
    `- weights selected on ${describeSpec(data.spec, "valid")} (lowest classification error)`,
    `- scored on ${evalDesc}`,
    `- configuration: ${configSummary(config)}`,
    "",
    table,
    "",
    "F1+/F1-: Dice of the foreground/background at threshold 0.5, mean over images; PxAP: pixel " +
    "precision-recall area; Dice*/mIoU*: at the best threshold. Every map is in [0, 1] " +
    "(baselines' maps are min-max normalised per image). Train time includes validation after " +
    "every epoch. Grad-CAM is computed post hoc on the CAM run's classifier.",
    ...(figureIdx.length > 0
      ? ["", "![Images, ground truth and each method's map](figure.png)"]
      : []),
    "",
  ].join("\n");
  await writeFileAtomic(join(out, "results.md"), md);
  await writeFileAtomic(
    join(out, "results.json"),
    JSON.stringify(
      {
        bench: b.name,
        date: started.toISOString(),
        command,
        cores,
        backend: backend.name,
        data: data.spec,
        evalRole: data.evalRole,
        config,
        results,
        floors: Object.fromEntries(floors),
      },
      null,
      1,
    ) + "\n",
  );
  if (figureIdx.length > 0) {
    const rows: FigureRow[] = figureIdx.map((i) => {
      const s = evalSet.samples[i];
      return {
        image: s.image,
        gt: s.mask?.data ?? null,
        maps: methods.map((m) => maps.get(m)!.get(s.id)!),
      };
    });
    const fig = methodFigure(methods.map(methodName), rows, {
      panelWidth: b.panelWidth,
      minPanelWidth: b.minPanelWidth,
    });
    await writeFileAtomic(join(out, "figure.png"), await encodePng(fig));
  }
  console.log(`\n${b.title}, scored on ${evalDesc}:\n`);
  console.log(table);
  console.log(
    `\nwritten: ${join(out, "results.md")}, results.json, figure.png, <method>/best.safetensors`,
  );
  return 0;
}
