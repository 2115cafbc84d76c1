/**
 * `predict`: for each image, the class, its probabilities and the mask. It
 * writes `<name>_mask.png` (binary mask), `<name>_overlay.jpg` (heat map of
 * the map over the image, mask outlined; `--image-format` picks WebP or PNG
 * instead) and `<name>.json`. Every image is read and decoded before
 * anything is written, and each file is written
 * atomically, so bad input leaves nothing half done.
 *
 * @example
 * ```sh
 * deno run --allow-read --allow-write predict.ts --model runs/synthetic image.png --out out
 * ```
 * @module
 */
import { basename, extname, join } from "node:path";
import {
  decodeImage,
  IMAGE_EXTENSIONS,
  predictionPictures,
  type RgbImage,
  summarizePrediction,
} from "@pointwise/core/lite";
import { COMMON_OPTIONS, num, parseCommand, str, UsageError } from "../args.ts";
import { BACKEND_HELP } from "../flags/backend_flags.ts";
import { INFERENCE_HELP, MODEL_OPTIONS, openModel } from "../flags/model_flags.ts";
import { IMAGE_HELP, IMAGE_OPTIONS, imageFormat } from "../flags/image_flags.ts";
import { readFileFor, writeFileAtomic } from "../files.ts";

const OPTIONS = {
  ...COMMON_OPTIONS,
  ...MODEL_OPTIONS,
  ...IMAGE_OPTIONS,
  out: { type: "string" },
  threshold: { type: "string" },
} as const;

/** Help text of the command. */
export function predictHelp(): string {
  return `Classify images and localize what the decision rests on.

usage: predict.ts --model DIR|FILE|MODEL.onnx IMAGE... [--out DIR] [--threshold T]

  --model ...          run folder (uses best.safetensors), checkpoint file, or an exported .onnx
                       model (run by onnxruntime-web, without TensorFlow.js)
  --out DIR            where to write <name>_mask.png, <name>_overlay.jpg, <name>.json [predictions]
  --threshold T        mask threshold on R+ (a baseline's map) [the model's, 0.5]
${IMAGE_HELP}
${INFERENCE_HELP}
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
  const out = str(values, "out", "predictions")!;
  const format = imageFormat(values);

  // Every image is decoded before anything is written.
  const images: RgbImage[] = [];
  for (const p of positionals) images.push(await decodeImage(await readFileFor(p, "image"), p));
  const { localizer, path } = await openModel(values);
  if (values.threshold !== undefined) localizer.threshold = threshold;
  const names = stems(positionals);
  try {
    for (let i = 0; i < images.length; i++) {
      const p = await localizer.predict(images[i]);
      const pictures = await predictionPictures(images[i], p, format);
      const files = {
        mask: join(out, `${names[i]}_mask.png`),
        overlay: join(out, `${names[i]}_overlay.${IMAGE_EXTENSIONS[format]}`),
      };
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
      await writeFileAtomic(files.mask, pictures.mask);
      await writeFileAtomic(files.overlay, pictures.overlay);
      await writeFileAtomic(join(out, `${names[i]}.json`), JSON.stringify(report, null, 2) + "\n");
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
