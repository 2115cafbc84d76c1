/**
 * `predict`: for each image (files, folders, globs; files named like masks
 * are skipped), the class, its probabilities and the mask. It writes
 * `<name>_mask.png` (binary mask), `<name>_overlay.jpg` (heat map of the map
 * over the image, mask outlined; `--image-format` picks WebP or PNG instead),
 * `<name>.json`, with `--heatmap` the continuous map (`<name>_heatmap.png`,
 * 16-bit, or `.npy`), and `predictions.csv`, one row per image. Every image's
 * header is read before anything is written, so a file that is not an image
 * stops the run with nothing written; each file is written atomically. A
 * progress line with the time left runs on stderr, and a summary line ends.
 *
 * @example
 * ```sh
 * deno run --allow-read --allow-write predict.ts --model runs/synthetic slides/ --out out
 * ```
 * @module
 */
import { basename, extname, join } from "node:path";
import {
  decodeImage,
  HEATMAP_FORMATS,
  heatmapFile,
  type HeatmapFormat,
  IMAGE_EXTENSIONS,
  type ImageFormat,
  type Localizer,
  type Prediction,
  predictionPictures,
  readImageHeader,
  summarizePrediction,
} from "@pointwise/core/lite";
import { COMMON_OPTIONS, num, parseCommand, str, UsageError } from "../args.ts";
import { BACKEND_HELP } from "../flags/backend_flags.ts";
import { INFERENCE_HELP, MODEL_OPTIONS, openModel } from "../flags/model_flags.ts";
import { IMAGE_HELP, IMAGE_OPTIONS, imageFormat } from "../flags/image_flags.ts";
import { readFileFor, writeFileAtomic } from "../files.ts";
import { helpRows } from "../console/help.ts";
import { commandLine } from "../program.ts";
import { Progress } from "../console/progress.ts";
import { duration } from "../console/table.ts";
import { csvNumber, csvRow } from "../console/csv.ts";
import { collectImages, DEFAULT_SKIP, skipPatterns } from "./predict_inputs.ts";

const OPTIONS = {
  ...COMMON_OPTIONS,
  ...MODEL_OPTIONS,
  ...IMAGE_OPTIONS,
  out: { type: "string" },
  threshold: { type: "string" },
  heatmap: { type: "string" },
  skip: { type: "string", multiple: true },
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
${BACKEND_HELP}`;
}

/** Output file stems, unique even when two inputs share a name. */
function stems(paths: string[]): string[] {
  const seen = new Map<string, number>();
  return paths.map((p) => {
    const stem = basename(p, extname(p)) || "image";
    const n = (seen.get(stem) ?? 0) + 1;
    seen.set(stem, n);
    return n === 1 ? stem : `${stem}-${n}`;
  });
}

/** The `--heatmap` format, or undefined. */
function heatmapFormat(values: Record<string, unknown>): HeatmapFormat | undefined {
  const f = str(values, "heatmap");
  if (f === undefined) return undefined;
  if (!(HEATMAP_FORMATS as readonly string[]).includes(f)) {
    throw new UsageError(`--heatmap must be one of ${HEATMAP_FORMATS.join(", ")}, got '${f}'`);
  }
  return f as HeatmapFormat;
}

/** What one run writes, and how. */
interface Plan {
  out: string;
  format: ImageFormat;
  heatmap?: HeatmapFormat;
  model: string;
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
  await writeFileAtomic(files.mask, pictures.mask);
  await writeFileAtomic(files.overlay, pictures.overlay);
  if (plan.heatmap !== undefined) {
    await writeFileAtomic(files.heatmap, heatmapFile(p, plan.heatmap));
  }
  await writeFileAtomic(join(plan.out, `${stem}.json`), JSON.stringify(report, null, 2) + "\n");
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

/** Reads every image's header first: a file that is not an image stops the run, nothing written. */
async function checkHeaders(images: string[]): Promise<void> {
  const problems: string[] = [];
  for (const path of images) {
    try {
      readImageHeader(await readFileFor(path, "image"));
    } catch (e) {
      const msg = (e as Error).message;
      problems.push(msg.includes(path) ? msg : `${path}: cannot decode the image: ${msg}`);
      if (problems.length >= 20) break;
    }
  }
  if (problems.length > 0) {
    throw new Error(`${problems.join("\n")}\n(nothing was written)`);
  }
}

/** Runs the command; returns the exit code. */
export async function predict(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommand(argv, OPTIONS);
  if (values.help) {
    console.log(predictHelp());
    return 0;
  }
  if (values.model === undefined) throw new UsageError("--model is required");
  if (positionals.length === 0) throw new UsageError("give at least one image, folder or glob");
  const threshold = num(values, "threshold", 0.5, 0, 1);
  const plan: Plan = {
    out: str(values, "out", "predictions")!,
    format: imageFormat(values),
    heatmap: heatmapFormat(values),
    model: "",
  };
  const { images, skipped } = await collectImages(
    positionals,
    skipPatterns(values.skip as string[] | undefined),
  );
  if (skipped.length > 0) {
    const shown = skipped.slice(0, 3).map((f) => basename(f)).join(", ");
    console.error(
      `skipped ${skipped.length} file(s) named like masks (${shown}${
        skipped.length > 3 ? ", ..." : ""
      }; --skip changes this)`,
    );
  }
  await checkHeaders(images);
  const { localizer, path } = await openModel(values);
  plan.model = path;
  if (values.threshold !== undefined) localizer.threshold = threshold;
  const names = stems(images);
  const table = new PredictionsTable(localizer.classes);
  const counts = new Map<string, number>(localizer.classes.map((c) => [c, 0]));
  const failed: string[] = [];
  let areaSum = 0;
  const start = performance.now();
  const bar = new Progress("predicting");
  try {
    for (let i = 0; i < images.length; i++) {
      try {
        const image = await decodeImage(await readFileFor(images[i], "image"), images[i]);
        const p = await localizer.predict(image);
        const files = await writeImage(
          plan,
          localizer,
          images[i],
          names[i],
          p,
          await predictionPictures(image, p, plan.format),
        );
        table.add(images[i], p);
        counts.set(p.className, (counts.get(p.className) ?? 0) + 1);
        areaSum += p.maskArea;
        bar.print(
          `${images[i]}: ${p.className} (p=${p.probabilities[p.classIndex].toFixed(3)}), mask ${
            (100 * p.maskArea).toFixed(1)
          }% of the image -> ${files.overlay}`,
        );
      } catch (e) {
        // One bad image (its data past the header) does not stop the others; it is reported.
        failed.push(images[i]);
        bar.print(`${images[i]}: failed: ${(e as Error).message}`);
      }
      bar.update(i + 1, images.length, basename(images[i]));
    }
  } finally {
    bar.done();
    await localizer.dispose();
  }
  const done = images.length - failed.length;
  if (done > 0) await writeFileAtomic(join(plan.out, "predictions.csv"), table.csv());
  const seconds = (performance.now() - start) / 1000;
  const byClass = [...counts].map(([c, n]) => `${c} ${n}`).join(", ");
  console.error(
    `predicted ${done} of ${images.length} image(s) in ${duration(seconds)} (${
      (seconds / Math.max(1, images.length)).toFixed(2)
    } s/image): ${byClass}; mean mask area ${(100 * areaSum / Math.max(1, done)).toFixed(1)}%` +
      `${skipped.length > 0 ? `; ${skipped.length} mask file(s) skipped` : ""}; ` +
      (done > 0 ? `predictions.csv and each image's files in ${plan.out}` : "nothing written") +
      (failed.length > 0 ? `; ${failed.length} failed: ${failed.join(", ")}` : ""),
  );
  return failed.length > 0 ? 1 : 0;
}
