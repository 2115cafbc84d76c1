/**
 * `predict`: for each image, the class, its probabilities and the mask. It
 * writes `<name>_mask.png` (binary mask), `<name>_overlay.jpg` (heat map of
 * the map over the image, mask outlined; `--image-format` picks WebP or PNG
 * instead) and `<name>.json`. Every image's header is checked against
 * `--max-pixels` and every image decoded before anything is written; an
 * image's three files appear together or not at all, and no existing file is
 * replaced without `--force`.
 *
 * @example
 * ```sh
 * deno run --allow-read --allow-write predict.ts --model runs/synthetic image.png --out out
 * ```
 * @module
 */
import { basename, dirname, extname, join, resolve } from "node:path";
import {
  decodeImage,
  IMAGE_EXTENSIONS,
  predictionPictures,
  readImageHeader,
  type RgbImage,
  summarizePrediction,
} from "@pointwise/core/lite";
import { COMMON_OPTIONS, int, num, parseCommand, str, UsageError } from "../args.ts";
import { BACKEND_HELP } from "../flags/backend_flags.ts";
import { INFERENCE_HELP, MODEL_OPTIONS, openModel } from "../flags/model_flags.ts";
import { IMAGE_HELP, IMAGE_OPTIONS, imageFormat } from "../flags/image_flags.ts";
import { type FileToWrite, readFileFor, refuseOverwrite, writeGroupAtomic } from "../files.ts";

const OPTIONS = {
  ...COMMON_OPTIONS,
  ...MODEL_OPTIONS,
  ...IMAGE_OPTIONS,
  out: { type: "string" },
  threshold: { type: "string" },
  "max-pixels": { type: "string" },
  force: { type: "boolean" },
} as const;

/**
 * The default pixel limit: a 6000x4000 photograph fits (on the TensorFlow.js
 * path of the `cpu` preset it peaks near 5 GB of memory).
 */
export const PREDICT_MAX_PIXELS = 40_000_000;

/** Help text of the command. */
export function predictHelp(): string {
  return `Classify images and localize what the decision rests on.

usage: predict.ts --model DIR|FILE|MODEL.onnx IMAGE... [--out DIR] [--threshold T] [--force]

  --model ...          run folder (uses best.safetensors), checkpoint file, or an exported .onnx
                       model (run by onnxruntime-web, without TensorFlow.js)
  --out DIR            where to write <name>_mask.png, <name>_overlay.jpg, <name>.json [predictions]
  --threshold T        mask threshold on R+ (a baseline's map) [the model's, 0.5]
  --max-pixels N       refuse images larger than N pixels (width x height, read from the header
                       before decoding) [${PREDICT_MAX_PIXELS}]
  --force              replace output files that exist (never an input)
${IMAGE_HELP}
${INFERENCE_HELP}
${BACKEND_HELP}`;
}

/** Output file stems, unique even when two inputs share a name (or look numbered). */
export function stems(paths: string[]): string[] {
  const used = new Set<string>();
  return paths.map((p) => {
    const stem = basename(p, extname(p)) || "image";
    let name = stem;
    for (let n = 2; used.has(name); n++) name = `${stem}-${n}`;
    used.add(name);
    return name;
  });
}

/** Reads an image, checking its size from the header before decoding it. */
async function readImage(path: string, maxPixels: number): Promise<RgbImage> {
  const bytes = await readFileFor(path, "image");
  if (bytes.length === 0) throw new Error(`${path}: the file is empty`);
  let header;
  try {
    header = readImageHeader(bytes);
  } catch (e) {
    throw new Error(`${path}: cannot decode the image: ${(e as Error).message}`);
  }
  const pixels = header.width * header.height;
  if (pixels > maxPixels) {
    throw new Error(
      `${path}: the image is ${header.width}x${header.height} (${
        (pixels / 1e6).toFixed(1)
      } megapixels), over --max-pixels ${maxPixels}`,
    );
  }
  return await decodeImage(bytes, path, { maxPixels });
}

/**
 * Refuses outputs that would replace an input, an `--out` that is a file, and
 * (without `--force`) any existing file.
 */
async function checkOutputs(outputs: string[], inputs: string[], force: boolean): Promise<void> {
  const out = outputs.length > 0 ? dirname(outputs[0]) : undefined;
  const info = out === undefined ? null : await Deno.stat(out).catch(() => null);
  if (info !== null && !info.isDirectory) {
    throw new UsageError(`--out ${out} is a file, not a folder`);
  }
  const given = new Set(inputs.map((p) => resolve(p)));
  const clash = outputs.filter((p) => given.has(resolve(p)));
  if (clash.length > 0) {
    throw new UsageError(
      `an output would replace an input: ${clash.join(", ")}; choose another --out`,
    );
  }
  await refuseOverwrite(outputs, force);
}

/** Runs the command; returns the exit code. */
export async function predict(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommand(argv, OPTIONS);
  if (values.help) {
    console.log(predictHelp());
    return 0;
  }
  if (values.model === undefined) throw new UsageError("--model is required");
  if (positionals.length === 0) throw new UsageError("give at least one image");
  const threshold = num(values, "threshold", 0.5, 0, 1);
  const maxPixels = int(values, "max-pixels", PREDICT_MAX_PIXELS, 1, Number.MAX_SAFE_INTEGER);
  const out = str(values, "out", "predictions")!;
  const format = imageFormat(values);
  const force = Boolean(values.force);
  const names = stems(positionals);
  const outputs = names.map((n) => ({
    mask: join(out, `${n}_mask.png`),
    overlay: join(out, `${n}_overlay.${IMAGE_EXTENSIONS[format]}`),
    json: join(out, `${n}.json`),
  }));
  await checkOutputs(outputs.flatMap((o) => [o.mask, o.overlay, o.json]), positionals, force);

  // Every image is decoded before anything is written.
  const images: RgbImage[] = [];
  for (const p of positionals) images.push(await readImage(p, maxPixels));
  const { localizer, path } = await openModel(values);
  if (values.threshold !== undefined) localizer.threshold = threshold;
  try {
    for (let i = 0; i < images.length; i++) {
      const p = await localizer.predict(images[i]);
      const pictures = await predictionPictures(images[i], p, format);
      const files = { mask: outputs[i].mask, overlay: outputs[i].overlay };
      const summary = summarizePrediction(p, localizer.classes);
      const round = (r: Record<string, number>) =>
        Object.fromEntries(Object.entries(r).map(([c, v]) => [c, Number(v.toFixed(6))]));
      const report = {
        image: positionals[i],
        model: path,
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
        { path: outputs[i].json, data: JSON.stringify(report, null, 2) + "\n" },
      ];
      await writeGroupAtomic(group, { force });
      console.log(
        `${positionals[i]}: ${p.className} (p=${p.probabilities[p.classIndex].toFixed(3)}), mask ${
          (100 * p.maskArea).toFixed(1)
        }% of the image -> ${files.overlay}`,
      );
    }
  } finally {
    await localizer.dispose();
  }
  return 0;
}
