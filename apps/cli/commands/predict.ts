/**
 * `predict`: for each image, the class, its probabilities and the mask. It
 * writes `<name>_mask.png` (binary mask), `<name>_overlay.jpg` (heat map of
 * R+ over the image, mask outlined; `--image-format` picks WebP or PNG
 * instead) and `<name>.json`. Every image is read
 * and decoded before anything is written, and each file is written
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
  decodeCheckpoint,
  decodeImage,
  encodeImage,
  encodeMaskPng,
  heatmapOverlay,
  IMAGE_EXTENSIONS,
  type Prediction,
  type RgbImage,
} from "@pointwise/core/lite";
import { COMMON_OPTIONS, num, parseCommand, str, UsageError } from "../args.ts";
import { BACKEND_HELP, backendSetting, startBackend } from "../flags/backend_flags.ts";
import { INFERENCE_HELP, INFERENCE_OPTIONS, withInferenceFlags } from "../flags/inference_flags.ts";
import { IMAGE_HELP, IMAGE_OPTIONS, imageFormat } from "../flags/image_flags.ts";
import { readFileFor, resolveModelPath, writeFileAtomic } from "../files.ts";

/** What both runtimes offer. */
interface Model {
  path: string;
  classes: string[];
  threshold: number;
  predict(image: RgbImage): Promise<Prediction>;
  dispose(): void | Promise<void>;
}

/** Opens a checkpoint (TensorFlow.js) or an .onnx file (onnxruntime, no TensorFlow.js). */
async function openModel(model: string, values: Record<string, unknown>): Promise<Model> {
  if (extname(model).toLowerCase() === ".onnx") {
    for (const flag of ["mask-upsample", "map"]) {
      if (values[flag] !== undefined) {
        throw new UsageError(
          `--${flag} cannot change an exported ONNX model; export it with that setting`,
        );
      }
    }
    const bytes = await readFileFor(model, "model");
    backendSetting(values);
    const { loadOnnx } = await import("@pointwise/runtime");
    const localizer = await loadOnnx(bytes, model);
    console.error(
      `runtime: onnxruntime-web, ${localizer.choice.provider} (${localizer.choice.reason})`,
    );
    return Object.assign(localizer, { path: model });
  }
  const path = await resolveModelPath(model);
  const checkpoint = withInferenceFlags(
    decodeCheckpoint(await readFileFor(path, "model"), path),
    values,
  );
  await startBackend(values);
  const { Localizer } = await import("@pointwise/core");
  return Object.assign(Localizer.fromCheckpoint(checkpoint), { path });
}

const OPTIONS = {
  ...COMMON_OPTIONS,
  ...INFERENCE_OPTIONS,
  ...IMAGE_OPTIONS,
  model: { type: "string" },
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
  const model = str(values, "model");
  if (model === undefined) throw new UsageError("--model is required");
  if (positionals.length === 0) throw new UsageError("give at least one image");
  const threshold = num(values, "threshold", 0.5, 0, 1);
  const out = str(values, "out", "predictions")!;
  const format = imageFormat(values);

  // Every image is decoded before anything is written.
  const images: RgbImage[] = [];
  for (const p of positionals) images.push(await decodeImage(await readFileFor(p, "image"), p));
  const localizer = await openModel(model, values);
  if (values.threshold !== undefined) localizer.threshold = threshold;
  const path = localizer.path;
  const names = stems(positionals);
  try {
    for (let i = 0; i < images.length; i++) {
      const p = await localizer.predict(images[i]);
      const files = {
        mask: join(out, `${names[i]}_mask.png`),
        overlay: join(out, `${names[i]}_overlay.${IMAGE_EXTENSIONS[format]}`),
      };
      await writeFileAtomic(
        files.mask,
        await encodeMaskPng({ width: p.width, height: p.height, data: p.binary }),
      );
      await writeFileAtomic(
        files.overlay,
        await encodeImage(heatmapOverlay(images[i], p.mask, p.binary), format),
      );
      const byClass = (probs: number[]) =>
        Object.fromEntries(localizer.classes.map((c, k) => [c, Number(probs[k].toFixed(6))]));
      const report = {
        image: positionals[i],
        model: path,
        width: p.width,
        height: p.height,
        class: p.className,
        classIndex: p.classIndex,
        probabilities: byClass(p.probabilities),
        localizerProbabilities: byClass(p.localizerProbabilities),
        threshold: localizer.threshold,
        maskArea: Number(p.maskArea.toFixed(6)),
        maskPixels: Math.round(p.maskArea * p.width * p.height),
        files,
      };
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
