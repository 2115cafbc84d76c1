/**
 * `slide`: localize a model's evidence over a whole-slide image. Writes, in
 * `--out`, `<name>_mask.tif` (pyramidal tiled TIFF, 255 in the mask),
 * `<name>_contours.geojson` (the mask's contours for QuPath's GeoJSON
 * import), `<name>_heatmap.png`, `<name>_overlay.png` and `<name>.json`
 * (summary). Every file is written under a temporary name and renamed only
 * when the whole slide is done.
 *
 * @example
 * ```sh
 * deno run --allow-read --allow-write --allow-env apps/cli/main.ts slide --model model.onnx slide.tif
 * ```
 * @module
 */
import { basename, extname, join } from "node:path";
import { encodePng, type Localizer } from "@pointwise/core/lite";
import {
  defaultDecodeWorkers,
  localizeSlide,
  type Slide,
  SlideOptionError,
  type SlideResult,
  type SlideSummary,
} from "@pointwise/core/slide";
import { COMMON_OPTIONS, int, num, parseCommand, str, UsageError } from "../args.ts";
import { BACKEND_HELP } from "../flags/backend_flags.ts";
import { INFERENCE_HELP, MODEL_OPTIONS, modelFlags, openModel } from "../flags/model_flags.ts";
import { writeGroupAtomic } from "../files.ts";
import { Progress } from "../console/progress.ts";
import { openSlideFile, type PendingFile, pendingFile } from "../slide_files.ts";
import { FORCE_HELP, FORCE_OPTIONS, refuseOverwrite } from "../flags/force_flags.ts";
import { helpRows, helpSection } from "../console/help.ts";
import { commandLine } from "../program.ts";

const OPTIONS = {
  ...COMMON_OPTIONS,
  ...MODEL_OPTIONS,
  ...FORCE_OPTIONS,
  level: { type: "string" },
  mpp: { type: "string" },
  tile: { type: "string" },
  overlap: { type: "string" },
  "map-factor": { type: "string" },
  thumbnail: { type: "string" },
  tissue: { type: "boolean" },
  "per-tile": { type: "boolean" },
  "min-tissue": { type: "string" },
  batch: { type: "string" },
  workers: { type: "string" },
  threshold: { type: "string" },
  "max-pixels": { type: "string" },
  out: { type: "string" },
} as const;

/** Flags of the core's option names. */
const FLAG_OF: Record<string, string> = {
  level: "--level",
  mpp: "--mpp",
  tile: "--tile",
  overlap: "--overlap",
  mapFactor: "--map-factor",
  minTissue: "--min-tissue",
  batch: "--batch",
};

/** Help text of the command. */
export function slideHelp(): string {
  const slide = helpSection("slide", [
    [
      "SLIDE",
      "tiled (pyramidal) TIFF or BigTIFF: SVS-like or generic, JPEG, LZW, deflate or zstd " +
      "tiles; or a PNG/JPEG read whole when it fits --max-pixels",
    ],
    ["--level N", "pyramid level to analyse [0]"],
    [
      "--mpp X",
      "microns per pixel the model was trained at: the matching level is read (shrunk from a " +
      "finer one when none is within 5%); needs a slide that records its scale",
    ],
    ["--max-pixels N", "largest PNG/JPEG read whole [64000000: decoding takes 7 bytes a pixel]"],
  ]);
  const tiles = helpSection("tiles", [
    ["--tile N", "tile side in analysis pixels [1024]; a multiple of 32 for the whole-slide map"],
    [
      "--overlap N",
      "overlap of neighbouring tiles [128]; a multiple of 32 for the whole-slide map. The " +
      "whole-slide map (models with class maps: min-max and WILDCAT) equals the model's map of " +
      "the slide as one image except for cells less than the network's reach from their tile's " +
      "edge (about 217 px for ResNet-18 at output stride 32): each cell comes from the tile it lies deepest in, at least " +
      "overlap/2 inside it",
    ],
    [
      "--per-tile",
      "blend each tile's own map, normalised over the tile, even when the model gives class " +
      "maps (the only way for CAM, Grad-CAM and deep MIL models, and models trained at another " +
      "--resize)",
    ],
    [
      "--no-tissue",
      "analyse every tile (default: skip tiles with less than --min-tissue tissue, found by " +
      "Otsu on the saturation of a thumbnail)",
    ],
    ["--min-tissue F", "least tissue fraction of an analysed tile [0.05]"],
    [
      "--batch N",
      "tiles per batch through the network, whole-slide map only [a megapixel's worth: 1 " +
      "tile of 1024, 4 of 512, 16 of 256]; the model's memory grows with the batch's pixels",
    ],
    [
      "--workers N",
      "worker threads decoding TIFF tiles ahead of the model; 0 decodes on the main thread " +
      `[${defaultDecodeWorkers()} here: none up to 2 cores, 1 below 8, else 2]`,
    ],
  ]);
  const model = helpRows([
    ["--model DIR|FILE", "run folder, checkpoint file, or an exported .onnx model"],
    ["--threshold T", "mask threshold on the map [the model's, 0.5]"],
  ]);
  const output = helpRows([
    [
      "--out DIR",
      "where to write <name>_mask.tif, _contours.geojson, _heatmap.png, _overlay.png and " +
      "<name>.json [slides]",
    ],
    ["--map-factor K", "analysis pixels per pixel of the stitched map and mask TIFF [4]"],
    ["--thumbnail N", "longest side of the heat map and overlay [2048]"],
  ]);
  return `Localize a model's evidence over a whole-slide image, tile by tile.

usage: ${commandLine("slide")} --model DIR|FILE SLIDE [options]

${slide}
${tiles}
model:
${model}
${INFERENCE_HELP}
output:
${output}
${FORCE_HELP}
${BACKEND_HELP}`;
}

/** The runtime and its provider, for messages and the summary: `onnxruntime-web wasm`. */
function runtimeName(m: Localizer): string {
  return `${m.runtime.name} ${m.runtime.provider}`;
}

/** The slide's tiling, level and tissue flags, checked. */
function slideOptions(values: Record<string, unknown>) {
  const options = {
    level: values.level === undefined ? undefined : int(values, "level", 0, 0, 64),
    mpp: values.mpp === undefined ? undefined : num(values, "mpp", 0, 1e-6, 1e6),
    tile: int(values, "tile", 1024, 32, 16384),
    overlap: int(values, "overlap", 128, 0, 8192),
    mapFactor: int(values, "map-factor", 4, 1, 256),
    thumbnail: int(values, "thumbnail", 2048, 16, 16384),
    tissue: values.tissue !== false,
    perTile: values["per-tile"] === true,
    minTissue: num(values, "min-tissue", 0.05, 0, 1),
    batch: values.batch === undefined ? undefined : int(values, "batch", 1, 1, 256),
  };
  if (options.level !== undefined && options.mpp !== undefined) {
    throw new UsageError("give --level or --mpp, not both");
  }
  return options;
}

/** The contours, pictures and summary as one group, then the mask TIFF; returns the files. */
async function writeOutputs(
  result: SlideResult,
  tiff: PendingFile,
  where: { out: string; stem: string; force: boolean },
  about: { model: string; runtime: string },
): Promise<Record<string, string>> {
  const at = (suffix: string) => join(where.out, `${where.stem}${suffix}`);
  const files = {
    mask: tiff.path,
    contours: at("_contours.geojson"),
    heatmap: at("_heatmap.png"),
    overlay: at("_overlay.png"),
    summary: at(".json"),
  };
  const summary = { ...result.summary, ...about, files };
  // Together or not at all; the TIFF, streamed while the map was made, is renamed into place last.
  await writeGroupAtomic([
    { path: files.contours, data: JSON.stringify(result.geojson) },
    { path: files.heatmap, data: await encodePng(result.heatmap) },
    { path: files.overlay, data: await encodePng(result.overlay) },
    { path: files.summary, data: JSON.stringify(summary, null, 2) + "\n" },
  ], { force: where.force });
  await tiff.commit();
  return files;
}

/** localizeSlide with a progress bar, its option errors as usage errors naming the flag. */
async function localizeWithProgress(
  source: Slide,
  localizer: Localizer,
  options: ReturnType<typeof slideOptions>,
  tiff: PendingFile,
): Promise<SlideResult> {
  const bar = new Progress("tiles");
  try {
    return await localizeSlide(source, localizer, {
      ...options,
      maskTiff: tiff.write,
      onProgress: (p) => bar.update(p.done, p.total, `(${p.skipped} background)`),
    });
  } catch (e) {
    if (e instanceof SlideOptionError) {
      throw new UsageError(`${FLAG_OF[e.option] ?? e.option}: ${e.message}`);
    }
    throw e;
  } finally {
    bar.done();
  }
}

/** The slide's notes on stderr and its one-line result on stdout. */
function report(path: string, s: SlideSummary, overlay: string): void {
  for (const w of s.warnings) console.error(`${path}: note: ${w}`);
  console.log(
    `${path}: ${s.slideClass.name ?? "no tissue"}; ${s.tiles.analysed} tiles analysed, ` +
      `${s.tiles.skipped} background skipped; mask ${s.mask.level0Pixels} px` +
      (s.mask.areaMm2 === null ? "" : ` (${s.mask.areaMm2} mm²)`) +
      ` in ${s.mask.polygons} polygon(s), ${s.map.method} map; ${s.seconds.total} s -> ` +
      overlay,
  );
}

/** Runs the command; returns the exit code. */
export async function slide(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommand(argv, OPTIONS);
  if (values.help) {
    console.log(slideHelp());
    return 0;
  }
  const { model } = modelFlags(values); // a bad flag is refused before the slide is opened
  if (positionals.length !== 1) throw new UsageError("give exactly one slide");
  const path = positionals[0];
  const options = slideOptions(values);
  const workers = int(values, "workers", defaultDecodeWorkers(), 0, 64);
  const maxPixels = int(values, "max-pixels", 64_000_000, 1);
  const threshold = num(values, "threshold", 0.5, 0, 1);
  const out = str(values, "out", "slides")!;
  const stem = basename(path, extname(path)) || "slide";

  await refuseOverwrite(
    values,
    ["_mask.tif", "_contours.geojson", "_heatmap.png", "_overlay.png", ".json"]
      .map((suffix) => join(out, `${stem}${suffix}`)),
    "--out",
  );
  const source = await openSlideFile(path, maxPixels, workers);
  let localizer: Localizer | null = null;
  const tiff = await pendingFile(join(out, `${stem}_mask.tif`));
  try {
    localizer = (await openModel(values)).localizer;
    if (values.threshold !== undefined) localizer.threshold = threshold;
    const l0 = source.levels[0];
    console.error(
      `${path}: ${l0.width}x${l0.height}, ${source.levels.length} level(s)` +
        (source.mpp ? `, ${source.mpp.x.toPrecision(4)} µm/px (${source.mpp.source})` : "") +
        `; model on ${runtimeName(localizer)}`,
    );
    const result = await localizeWithProgress(source, localizer, options, tiff);
    const files = await writeOutputs(result, tiff, { out, stem, force: values.force === true }, {
      model,
      runtime: runtimeName(localizer),
    });
    report(path, result.summary, files.overlay);
  } finally {
    await tiff.abandon();
    await localizer?.dispose();
    await source.close();
  }
  return 0;
}
