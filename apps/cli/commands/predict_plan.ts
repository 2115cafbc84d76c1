/**
 * `predict`'s plan, made before the model is opened: the flags read, the images found and every
 * header checked, and every output checked (none replaces an input, none an existing file without
 * `--force`), so that a bad run writes nothing.
 *
 * @example
 * ```ts ignore
 * const job = await planPredict({ model: "run", out: "out" }, ["slides/"]);
 * ```
 * @module
 */
import { basename, dirname, extname, join, resolve } from "node:path";
import {
  HEATMAP_FORMATS,
  type HeatmapFormat,
  IMAGE_EXTENSIONS,
  type ImageFormat,
  type ImageHeader,
  readImageHeader,
} from "@pointwise/core/lite";
import { int, num, str, UsageError } from "../args.ts";
import { imageFormat } from "../flags/image_flags.ts";
import { readFileFor, readPrefixFor } from "../files.ts";
import { refuseOverwrite } from "../flags/force_flags.ts";
import { collectImages, skipPatterns } from "./predict_inputs.ts";

/**
 * The default pixel limit: a 6000x4000 photograph fits (on the TensorFlow.js
 * path of the `cpu` preset it peaks near 5 GB of memory).
 */
export const PREDICT_MAX_PIXELS = 40_000_000;

/**
 * Output file stems, unique even when two inputs share a name or one looks
 * numbered (`a`, `a`, `a-2` give `a`, `a-2`, `a-2-2`): a suffix is checked
 * against every stem already given, not only against its own name's count.
 */
function stems(paths: string[]): string[] {
  const used = new Set<string>();
  return paths.map((p) => {
    const stem = basename(p, extname(p)) || "image";
    let name = stem;
    for (let n = 2; used.has(name); n++) name = `${stem}-${n}`;
    used.add(name);
    return name;
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
export interface Plan {
  out: string;
  force: boolean;
  format: ImageFormat;
  heatmap?: HeatmapFormat;
  model: string;
}

/** How much of a file is read for its header first (a JPEG's may follow large metadata). */
const HEADER_PREFIX = 1 << 20;

/**
 * An image's header from the start of its file; the whole file only where the start does not
 * hold it (a TIFF's directory may sit at the end), so a folder of large images is not read twice.
 */
async function headerOf(path: string): Promise<ImageHeader> {
  const { bytes, size } = await readPrefixFor(path, "image", HEADER_PREFIX);
  if (size === 0) throw new Error(`${path}: the file is empty`);
  try {
    return readImageHeader(bytes);
  } catch (e) {
    if (size <= bytes.length) throw e;
    return readImageHeader(await readFileFor(path, "image"));
  }
}

/**
 * Reads every image's header first: a file that is not an image, or one over
 * `maxPixels`, stops the run with nothing written.
 */
async function checkHeaders(images: string[], maxPixels: number): Promise<void> {
  const problems: string[] = [];
  for (const path of images) {
    try {
      const header = await headerOf(path);
      const pixels = header.width * header.height;
      if (pixels > maxPixels) {
        throw new Error(
          `${path}: the image is ${header.width}x${header.height} (${
            (pixels / 1e6).toFixed(1)
          } megapixels), over --max-pixels ${maxPixels}`,
        );
      }
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

/** Every file the run would write, in image order, and predictions.csv. */
function plannedOutputs(plan: Plan, names: string[]): string[] {
  const ext = IMAGE_EXTENSIONS[plan.format];
  const heat = plan.heatmap === undefined ? undefined : plan.heatmap === "npy" ? "npy" : "png";
  return [
    ...names.flatMap((n) => [
      join(plan.out, `${n}_mask.png`),
      join(plan.out, `${n}_overlay.${ext}`),
      ...(heat === undefined ? [] : [join(plan.out, `${n}_heatmap.${heat}`)]),
      join(plan.out, `${n}.json`),
    ]),
    join(plan.out, "predictions.csv"),
  ];
}

/**
 * Refuses outputs that would replace an input, an `--out` that is a file, and
 * (without `--force`) any existing file.
 */
async function checkOutputs(
  values: Record<string, unknown>,
  outputs: string[],
  inputs: string[],
): Promise<void> {
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
  await refuseOverwrite(values, outputs, "--out");
}

/** A checked run: what it writes, the images (and the masks skipped), their stems. */
export interface PredictJob {
  plan: Plan;
  threshold: number;
  maxPixels: number;
  images: string[];
  skipped: string[];
  names: string[];
}

/**
 * Reads the flags and the inputs and checks every image's header and every
 * output before the model is opened, so that a bad run writes nothing.
 */
export async function planPredict(
  values: Record<string, unknown>,
  positionals: string[],
): Promise<PredictJob> {
  if (values.model === undefined) throw new UsageError("--model is required");
  if (positionals.length === 0) throw new UsageError("give at least one image, folder or glob");
  const threshold = num(values, "threshold", 0.5, 0, 1);
  const maxPixels = int(values, "max-pixels", PREDICT_MAX_PIXELS, 1, Number.MAX_SAFE_INTEGER);
  const plan: Plan = {
    out: str(values, "out", "predictions")!,
    force: values.force === true,
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
  await checkHeaders(images, maxPixels);
  const names = stems(images);
  // Skipped masks are inputs too: a.png's a_mask.png must not replace the ground truth.
  await checkOutputs(values, plannedOutputs(plan, names), [...images, ...skipped]);
  return { plan, threshold, maxPixels, images, skipped, names };
}
