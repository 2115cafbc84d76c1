/**
 * `pointwise eval`: scores a model (a run folder, a checkpoint or an ONNX
 * file) or a folder of heat maps made elsewhere (`--maps`) on a split
 * (whole images, as the reference evaluates) and prints the metrics table
 * with the trivial-mask floor rows; `--boxes` adds MaxBoxAccV2. `--csv` and
 * `--overlays DIR` write the per-image table; `--overlays` also writes, per
 * image, a titled panel (image, ground truth, heat map and mask, colour bar).
 *
 * @example
 * ```sh
 * deno task eval --model runs/glas --data ../shared/data/glas --split ../shared/data/glas/split/valid.csv
 * ```
 * @module
 */
import { basename, join, resolve } from "node:path";
import { type Dataset, type DataSpec, describeDataSpec } from "@pointwise/core/data";
import { evaluate, scoreHeatmaps } from "@pointwise/core/eval";
import type { MetricsSummary } from "@pointwise/core/metrics";
import { loadFont } from "@pointwise/core/viz";
import { htmlReport } from "@pointwise/core/report";
import { COMMON_OPTIONS, num, parseCommand, str, UsageError } from "../args.ts";
import { BACKEND_HELP } from "../flags/backend_flags.ts";
import { INFERENCE_HELP, MODEL_OPTIONS, openModel } from "../flags/model_flags.ts";
import { IMAGE_HELP, IMAGE_OPTIONS, imageFormat } from "../flags/image_flags.ts";
import { DATA_OPTIONS, dataSpecFromArgs, loadDataWithProgress } from "../flags/data_flags.ts";
import { FORCE_HELP, FORCE_OPTIONS, refuseOverwrite } from "../flags/force_flags.ts";
import { helpRows, helpSection } from "../console/help.ts";
import { commandLine } from "../program.ts";
import { describe, exists, writeFileAtomic } from "../files.ts";
import { readHistory, readRunInfo, runFolderOf } from "../run_folder.ts";
import { Progress } from "../console/progress.ts";
import {
  floorRows,
  methodName,
  scoresForReport,
  scoresLegend,
  scoresTable,
} from "../console/scores_table.ts";
import { ImageOutputs, overlayFiles, type PictureSettings, thresholdMap } from "./eval_outputs.ts";

const OPTIONS = {
  ...COMMON_OPTIONS,
  ...MODEL_OPTIONS,
  ...IMAGE_OPTIONS,
  ...DATA_OPTIONS,
  ...FORCE_OPTIONS,
  maps: { type: "string" },
  threshold: { type: "string" },
  boxes: { type: "boolean" },
  csv: { type: "string" },
  overlays: { type: "string" },
  report: { type: "string" },
} as const;

/** Report panels are shrunk (by one whole factor for all) to at most this width. */
const REPORT_PANEL_WIDTH = 400;

/** Help text of the command. */
export function evalHelp(): string {
  const model = helpRows([
    ["--model DIR|FILE", "run folder (uses best.safetensors), checkpoint file or .onnx model"],
    [
      "--maps DIR",
      "score the heat maps in DIR instead of a model: one per image, <stem>.npy " +
      "(float32/float64, as wsolevaluation reads them) or a grayscale PNG (8 or 16 bits), " +
      "<stem>_heatmap.* too, values in [0, 1] at the image's size",
    ],
  ]);
  const data = helpSection("data (default: the test split of the model's run)", [
    [
      "--data DIR --split CSV",
      "folder and split file (image,mask,label[,ignore] rows) [DIR/split/test.csv]. An ignore " +
      "mask leaves its pixels (not foreground) out of every mask score, as wsolevaluation's " +
      "ignore regions",
    ],
    ["--dataset, --synthetic-*, ...", "a built-in dataset, as train takes them"],
  ]);
  const scoring = helpSection("scoring", [
    ["--threshold T", "where F1+, F1-, IoU and the masks cut the map, in (0, 1] [0.5]"],
    [
      "--boxes",
      "also MaxBoxAccV2 (IoU 30/50/70, wsolevaluation's contour boxes); about a hundred " +
      "labelling passes per image",
    ],
  ]);
  const output = helpRows([
    [
      "--csv FILE",
      "write the per-image table (label, class and probabilities of both heads, Dice, F1-, IoU, " +
      "PxAP, mask area)",
    ],
    ["--overlays DIR", "write a picture per image and per_image.csv there"],
    [
      "--report FILE.html",
      "write a self-contained HTML report: scores, training curves of the run, histograms of " +
      "per-image F1+, F1- and mask area, every image worst to best (WebP, one scale for all, at " +
      "most 400 px a panel)",
    ],
  ]);
  return `Score a model, or heat maps made elsewhere, on a split: classification error, F1+/F1-,
PxAP, best-threshold Dice and mIoU, and with --boxes MaxBoxAccV2.

usage: ${commandLine("eval")} --model DIR|FILE [options]
       ${commandLine("eval")} --maps DIR --data DIR --split CSV [options]

model:
${model}
${INFERENCE_HELP}
${data}
${scoring}
output:
${output}
${IMAGE_HELP}
${FORCE_HELP}
${BACKEND_HELP}`;
}

/**
 * The data to score on: the flags', or without `--data` and `--dataset`, the
 * test split of the data the model's run trained on, when its run folder
 * says: its folder's (`runFolderTest`), or the built-in data's own test set,
 * image size and classes, which size flags given change.
 */
async function evalData(values: Record<string, unknown>, modelPath: string): Promise<DataSpec> {
  if (values.data !== undefined || values.dataset !== undefined) {
    return await dataSpecFromArgs(values, ["test"]);
  }
  const trained = (await readRunInfo(runFolderOf(modelPath)))?.data;
  if (trained?.kind === "folder") return await runFolderTest(trained, modelPath);
  const kind = trained?.kind ?? "synthetic";
  const spec = await dataSpecFromArgs({ ...values, dataset: kind }, ["test"]);
  if (trained === undefined || spec.kind === "folder") return spec;
  // The run's own test set, but for what a flag asks.
  const flag = (name: string) => values[`${kind}-${name}`] !== undefined;
  const merged = { ...spec, counts: { ...spec.counts } };
  if (!flag("size")) merged.size = trained.size;
  if (!flag("test") && trained.counts?.test !== undefined) merged.counts.test = trained.counts.test;
  if (merged.kind === "synthetic" && trained.kind === "synthetic" && !flag("classes")) {
    merged.classes = trained.classes;
  }
  return merged;
}

/**
 * The test split of the folder a model's run trained on: the one the run
 * names, else DIR/split/test.csv; a usage error when it has none (scoring the
 * synthetic set would only fail on the classes).
 */
async function runFolderTest(
  trained: Extract<DataSpec, { kind: "folder" }>,
  modelPath: string,
): Promise<DataSpec> {
  const test = trained.splits.test ?? join(trained.dir, "split", "test.csv");
  if (!(await exists(test))) {
    throw new UsageError(
      `${modelPath} was trained on the images of ${trained.dir}, which has no ${test}; give ` +
        `the images to score: --data DIR (with DIR/split/test.csv) or --data DIR --split CSV`,
    );
  }
  return { ...trained, splits: { test } };
}

/** What the command was asked to write and how to score. */
interface EvalOutputs {
  threshold: number;
  boxes: boolean;
  csv?: string;
  overlays?: string;
  report?: string;
  values: Record<string, unknown>;
}

/** The pictures' settings, when pictures are wanted. */
async function pictureSettings(
  o: EvalOutputs,
  dataset: Dataset,
  mapLabel: string,
): Promise<PictureSettings | undefined> {
  if (o.overlays !== undefined) {
    const files = overlayFiles(dataset, imageFormat(o.values), o.overlays);
    await refuseOverwrite(o.values, files, "--overlays");
  }
  if (o.overlays === undefined && o.report === undefined) return undefined;
  const widest = Math.max(0, ...dataset.samples.map((s) => s.image.width));
  return {
    font: await loadFont(),
    mapLabel,
    format: imageFormat(o.values),
    reportShrink: Math.max(1, Math.ceil(widest / REPORT_PANEL_WIDTH)),
  };
}

/** A model's scores: every image through its `predict()`. */
async function scoreModel(o: EvalOutputs): Promise<ScoredRun> {
  const { localizer, path } = await openModel(o.values);
  try {
    if (o.values.threshold !== undefined) localizer.threshold = o.threshold;
    const spec = await evalData(o.values, path);
    console.error(`data: ${describeDataSpec(spec, "test")}`);
    // Every score but the classification error needs the ground-truth mask.
    const dataset = await loadDataWithProgress(spec, "test", {
      classes: localizer.classes,
      requireMasks: true,
    });
    const outputs = new ImageOutputs({
      classes: dataset.classes,
      modelClasses: localizer.classes,
      pictures: await pictureSettings(
        o,
        dataset,
        localizer.mapName ?? (localizer.method === "minmax" ? "R+" : "map"),
      ),
      overlays: o.overlays,
      report: o.report !== undefined,
    });
    const bar = new Progress("evaluating");
    const { summary } = await evaluate(localizer, dataset, {
      threshold: o.threshold,
      boxes: o.boxes,
      onProgress: (d, t) => bar.update(d, t),
      onImage: (r) =>
        outputs.add({
          ...r,
          map: r.prediction.mask,
          binary: r.prediction.binary,
          maskArea: r.prediction.maskArea,
          model: r.prediction,
        }),
    });
    bar.done();
    return {
      name: methodName(localizer.method),
      what: path,
      spec,
      dataset,
      summary,
      outputs,
      history: path,
      singleLoss: localizer.method !== "minmax",
    };
  } finally {
    await localizer.dispose();
  }
}

/** Heat maps made elsewhere, scored against the split. */
async function scoreMaps(o: EvalOutputs, folder: string): Promise<ScoredRun> {
  for (const flag of ["mask-upsample", "map", "class", "runtime"]) {
    if (o.values[flag] !== undefined) throw new UsageError(`--${flag} applies to --model only`);
  }
  const names: string[] = [];
  try {
    for await (const e of Deno.readDir(folder)) if (e.isFile) names.push(e.name);
  } catch (e) {
    throw new Error(`cannot read the maps folder ${folder}: ${describe(e)}`);
  }
  names.sort();
  const spec = await dataSpecFromArgs(o.values, ["test"]);
  console.error(`data: ${describeDataSpec(spec, "test")}`);
  const dataset = await loadDataWithProgress(spec, "test", { requireMasks: true });
  const outputs = new ImageOutputs({
    classes: dataset.classes,
    pictures: await pictureSettings(o, dataset, "map"),
    overlays: o.overlays,
    report: o.report !== undefined,
  });
  const bar = new Progress("scoring maps");
  const { summary, unused } = await scoreHeatmaps(dataset, {
    names,
    folder,
    read: (n) => Deno.readFile(join(folder, n)),
  }, {
    threshold: o.threshold,
    boxes: o.boxes,
    onProgress: (d, t) => bar.update(d, t),
    onImage: (r) =>
      outputs.add({ ...r, map: r.map.data, ...thresholdMap(r.map.data, o.threshold) }),
  });
  bar.done();
  if (unused.length > 0) {
    const shown = unused.slice(0, 5).join(", ") + (unused.length > 5 ? ", ..." : "");
    console.error(`note: ${unused.length} map file(s) match no image of the split: ${shown}`);
  }
  return {
    name: `maps ${basename(resolve(folder))}`,
    what: folder,
    spec,
    dataset,
    summary,
    outputs,
    singleLoss: true,
  };
}

/** What was scored, on what, and the per-image outputs. */
interface ScoredRun {
  /** The table row's name. */
  name: string;
  /** The model file or maps folder. */
  what: string;
  spec: DataSpec;
  dataset: Dataset;
  summary: MetricsSummary;
  outputs: ImageOutputs;
  /** The model file whose run folder has the training history. */
  history?: string;
  singleLoss: boolean;
}

/** Runs the command; returns the exit code. */
export async function evalCommand(argv: string[]): Promise<number> {
  const { values } = parseCommand(argv, OPTIONS);
  if (values.help) {
    console.log(evalHelp());
    return 0;
  }
  const maps = str(values, "maps");
  if (maps !== undefined && values.model !== undefined) {
    throw new UsageError("give --model or --maps, not both");
  }
  if (maps === undefined && values.model === undefined) {
    throw new UsageError("--model (or --maps DIR) is required");
  }
  const threshold = num(values, "threshold", 0.5, 0, 1);
  if (!(threshold > 0)) throw new UsageError("--threshold must be above 0 (at most 1)");
  const o: EvalOutputs = {
    threshold,
    boxes: values.boxes === true,
    csv: str(values, "csv"),
    overlays: str(values, "overlays"),
    report: str(values, "report"),
    values,
  };
  imageFormat(values); // checked before any work
  if (o.report !== undefined) await refuseOverwrite(values, [o.report], "--report");
  if (o.csv !== undefined) await refuseOverwrite(values, [o.csv], "--csv");
  const run = maps !== undefined ? await scoreMaps(o, maps) : await scoreModel(o);
  await writeOutputs(o, run);
  return 0;
}

/** Prints the table and writes the CSV and the report. */
async function writeOutputs(o: EvalOutputs, run: ScoredRun): Promise<void> {
  const { dataset, spec, summary, outputs } = run;
  if (o.overlays !== undefined) {
    await writeFileAtomic(join(o.overlays, "per_image.csv"), outputs.csv());
    console.error(`wrote ${dataset.samples.length} panels and per_image.csv to ${o.overlays}`);
  }
  if (o.csv !== undefined) {
    await writeFileAtomic(o.csv, outputs.csv());
    console.error(`wrote the per-image table to ${o.csv}`);
  }
  const rowsOfScores: [string, MetricsSummary][] = [
    [run.name, summary],
    ...floorRows(dataset, { threshold: o.threshold, boxes: o.boxes }),
  ];
  const legend = scoresLegend(o.threshold, o.boxes);
  console.log(`scores of ${run.what} on ${describeDataSpec(spec, "test")}:`);
  console.log(scoresTable(rowsOfScores));
  console.log(legend);
  if (o.report !== undefined) {
    const html = htmlReport({
      title: `Pointwise evaluation of ${run.what}`,
      subtitle: `${describeDataSpec(spec, "test")}; ${new Date().toISOString().slice(0, 10)}`,
      table: scoresForReport(rowsOfScores),
      legend,
      images: outputs.reportImages,
      history: run.history === undefined ? undefined : await readHistory(runFolderOf(run.history)),
      singleLoss: run.singleLoss,
    });
    await writeFileAtomic(o.report, new TextEncoder().encode(html));
    console.error(`wrote the report to ${o.report}`);
  }
}
