/**
 * `predict`: for each image (files, folders, globs; files named like masks
 * are skipped), the class, its probabilities and the mask. It writes
 * `<name>_mask.png` (binary mask), `<name>_overlay.jpg` (heat map of the map
 * over the image, mask outlined; `--image-format` picks WebP or PNG instead),
 * `<name>.json`, with `--heatmap` the continuous map (`<name>_heatmap.png`,
 * 16-bit, or `.npy`), and `predictions.csv`, one row per image. Every image's
 * header is read (and checked against `--max-pixels`) before anything is
 * written, so a file that is not an image, or too large, stops the run with
 * nothing written; an image's files appear together or not at all, and no
 * existing file is replaced without `--force` (never an input). A progress
 * line with the time left runs on stderr, and a summary line ends.
 *
 * @example
 * ```sh
 * deno run --allow-read --allow-write predict.ts --model runs/synthetic slides/ --out out
 * ```
 * @module
 */
import { basename, join } from "node:path";
import {
  decodeImage,
  heatmapFile,
  IMAGE_EXTENSIONS,
  type Localizer,
  type Prediction,
  predictionPictures,
  summarizePrediction,
} from "@pointwise/core/lite";
import { COMMON_OPTIONS, parseCommand } from "../args.ts";
import { BACKEND_HELP } from "../flags/backend_flags.ts";
import { INFERENCE_HELP, MODEL_OPTIONS, modelFlags, openModel } from "../flags/model_flags.ts";
import { IMAGE_HELP, IMAGE_OPTIONS } from "../flags/image_flags.ts";
import { type FileToWrite, readFileFor, writeGroupAtomic } from "../files.ts";
import { FORCE_HELP, FORCE_OPTIONS } from "../flags/force_flags.ts";
import { helpRows } from "../console/help.ts";
import { commandLine } from "../program.ts";
import { Progress } from "../console/progress.ts";
import { duration } from "../console/table.ts";
import { csvNumber, csvRow } from "../console/csv.ts";
import { DEFAULT_SKIP } from "./predict_inputs.ts";
import { type Plan, planPredict, PREDICT_MAX_PIXELS, type PredictJob } from "./predict_plan.ts";

const OPTIONS = {
  ...COMMON_OPTIONS,
  ...MODEL_OPTIONS,
  ...IMAGE_OPTIONS,
  ...FORCE_OPTIONS,
  out: { type: "string" },
  threshold: { type: "string" },
  heatmap: { type: "string" },
  skip: { type: "string", multiple: true },
  "max-pixels": { type: "string" },
} as const;

/** Help text of the command. */
export function predictHelp(): string {
  return `Classify images and localize what the decision rests on.

usage: ${commandLine("predict")} --model DIR|FILE IMAGE|FOLDER|GLOB... [options]

model:
${
    helpRows([
      [
        "--model DIR|FILE",
        "run folder (uses best.safetensors), checkpoint file, or an exported .onnx model (run " +
        "by onnxruntime, without TensorFlow.js)",
      ],
      ["--threshold T", "mask threshold on the map [the model's, 0.5]"],
    ])
  }
inputs:
${
    helpRows([
      [
        "IMAGE|FOLDER|GLOB",
        "image files, folders (their PNG, JPEG, TIFF and WebP files) and quoted glob patterns " +
        '("slides/**/*.tif")',
      ],
      [
        "--skip PATTERN",
        `leave out files whose names match (repeatable) [${DEFAULT_SKIP.join(", ")}: masks and ` +
        "GlaS annotations]; --skip none takes every file",
      ],
      [
        "--max-pixels N",
        "refuse images larger than N pixels (width x height, read from the header before " +
        `decoding) [${PREDICT_MAX_PIXELS}]`,
      ],
    ])
  }
${INFERENCE_HELP}
output:
${
    helpRows([
      [
        "--out DIR",
        "where to write <name>_mask.png, <name>_overlay.jpg, <name>.json and predictions.csv " +
        "[predictions]",
      ],
      [
        "--heatmap png16|npy",
        "also write the continuous map: <name>_heatmap.png (16-bit grayscale, value * 65535) or " +
        "<name>_heatmap.npy (float32); eval --maps reads both",
      ],
    ])
  }
${IMAGE_HELP}
${FORCE_HELP}
${BACKEND_HELP}`;
}

/** Writes one image's files; returns the files written. */
async function writeImage(
  plan: Plan,
  localizer: Localizer,
  image: string,
  stem: string,
  p: Prediction,
  pictures: { mask: Uint8Array; overlay: Uint8Array },
): Promise<Record<string, string>> {
  const files: Record<string, string> = {
    mask: join(plan.out, `${stem}_mask.png`),
    overlay: join(plan.out, `${stem}_overlay.${IMAGE_EXTENSIONS[plan.format]}`),
  };
  if (plan.heatmap !== undefined) {
    files.heatmap = join(plan.out, `${stem}_heatmap.${plan.heatmap === "npy" ? "npy" : "png"}`);
  }
  const summary = summarizePrediction(p, localizer.classes);
  const round = (r: Record<string, number>) =>
    Object.fromEntries(Object.entries(r).map(([c, v]) => [c, Number(v.toFixed(6))]));
  const report = {
    image,
    model: plan.model,
    ...(localizer.mapName ? { map: localizer.mapName } : {}),
    ...summary,
    probabilities: round(summary.probabilities),
    localizerProbabilities: round(summary.localizerProbabilities),
    maskArea: Number(summary.maskArea.toFixed(6)),
    files,
  };
  // An image's files appear together or not at all.
  const group: FileToWrite[] = [
    { path: files.mask, data: pictures.mask },
    { path: files.overlay, data: pictures.overlay },
    ...(plan.heatmap === undefined
      ? []
      : [{ path: files.heatmap, data: heatmapFile(p, plan.heatmap) }]),
    { path: join(plan.out, `${stem}.json`), data: JSON.stringify(report, null, 2) + "\n" },
  ];
  await writeGroupAtomic(group, { force: plan.force });
  return files;
}

/** `predictions.csv`: image, class, both heads' probabilities, mask area. */
class PredictionsTable {
  readonly #rows: (string | number)[][] = [];
  #localizer = false;

  constructor(readonly classes: readonly string[]) {}

  add(image: string, p: Prediction): void {
    if (p.localizerProbabilities.length > 0) this.#localizer = true;
    this.#rows.push([
      image,
      p.className,
      ...p.probabilities.map((v) => csvNumber(v, 6)),
      ...p.localizerProbabilities.map((v) => csvNumber(v, 6)),
      csvNumber(p.maskArea, 6),
    ]);
  }

  csv(): string {
    const header = [
      "image",
      "class",
      ...this.classes.map((c) => `prob_${c}`),
      ...(this.#localizer ? this.classes.map((c) => `loc_prob_${c}`) : []),
      "mask_area",
    ];
    return [header, ...this.#rows].map(csvRow).join("\n") + "\n";
  }
}

/** What the images gave: predictions.csv's rows, images per class, failures, summed mask area. */
interface Tally {
  table: PredictionsTable;
  counts: Map<string, number>;
  failed: string[];
  areaSum: number;
}

/** Predicts every image and writes its files, with a progress line; disposes the localizer. */
async function predictAll(job: PredictJob, localizer: Localizer): Promise<Tally> {
  const { images } = job;
  const tally: Tally = {
    table: new PredictionsTable(localizer.classes),
    counts: new Map<string, number>(localizer.classes.map((c) => [c, 0])),
    failed: [],
    areaSum: 0,
  };
  const bar = new Progress("predicting");
  try {
    for (let i = 0; i < images.length; i++) {
      try {
        const { p, files } = await predictImage(job, localizer, i);
        tally.table.add(images[i], p);
        tally.counts.set(p.className, (tally.counts.get(p.className) ?? 0) + 1);
        tally.areaSum += p.maskArea;
        bar.print(
          `${images[i]}: ${p.className} (p=${p.probabilities[p.classIndex].toFixed(3)}), mask ${
            (100 * p.maskArea).toFixed(1)
          }% of the image -> ${files.overlay}`,
        );
      } catch (e) {
        // One bad image (its data past the header) does not stop the others; it is reported.
        tally.failed.push(images[i]);
        bar.print(`${images[i]}: failed: ${(e as Error).message}`);
      }
      bar.update(i + 1, images.length, basename(images[i]));
    }
  } finally {
    bar.done();
    await localizer.dispose();
  }
  return tally;
}

/** Decodes, predicts and writes the `i`th image; returns its prediction and files. */
async function predictImage(
  { plan, images, names, maxPixels }: PredictJob,
  localizer: Localizer,
  i: number,
): Promise<{ p: Prediction; files: Record<string, string> }> {
  const image = await decodeImage(await readFileFor(images[i], "image"), images[i], {
    maxPixels,
  });
  const p = await localizer.predict(image);
  const files = await writeImage(
    plan,
    localizer,
    images[i],
    names[i],
    p,
    await predictionPictures(image, p, plan.format),
  );
  return { p, files };
}

/** The line that ends a run: images done, time, classes, mean mask area, what was written. */
function summaryLine(job: PredictJob, tally: Tally, seconds: number): string {
  const { images, skipped, plan } = job;
  const { counts, failed, areaSum } = tally;
  const done = images.length - failed.length;
  const byClass = [...counts].map(([c, n]) => `${c} ${n}`).join(", ");
  return `predicted ${done} of ${images.length} image(s) in ${duration(seconds)} (${
    (seconds / Math.max(1, images.length)).toFixed(2)
  } s/image): ${byClass}; mean mask area ${(100 * areaSum / Math.max(1, done)).toFixed(1)}%` +
    `${skipped.length > 0 ? `; ${skipped.length} mask file(s) skipped` : ""}; ` +
    (done > 0 ? `predictions.csv and each image's files in ${plan.out}` : "nothing written") +
    (failed.length > 0 ? `; ${failed.length} failed: ${failed.join(", ")}` : "");
}

/** Runs the command; returns the exit code. */
export async function predict(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommand(argv, OPTIONS);
  if (values.help) {
    console.log(predictHelp());
    return 0;
  }
  modelFlags(values); // a bad flag is refused before the inputs are scanned
  const job = await planPredict(values, positionals);
  const { localizer, path } = await openModel(values);
  job.plan.model = path;
  if (values.threshold !== undefined) localizer.threshold = job.threshold;
  const start = performance.now();
  const tally = await predictAll(job, localizer);
  if (tally.failed.length < job.images.length) {
    await writeGroupAtomic(
      [{ path: join(job.plan.out, "predictions.csv"), data: tally.table.csv() }],
      { force: job.plan.force },
    );
  }
  console.error(summaryLine(job, tally, (performance.now() - start) / 1000));
  return tally.failed.length > 0 ? 1 : 0;
}
