/**
 * Localization on a whole slide: the analysis level is chosen (a level, or
 * the model's microns per pixel), background tiles are found on a thumbnail
 * (saturation, Otsu) and skipped, the others go through the model one by one
 * with overlap, and one map is streamed out at `mapFactor` analysis pixels
 * per map pixel. From the map come the mask's pyramidal TIFF (through an
 * injected writer), its contours as QuPath GeoJSON, a thumbnail heat map and
 * overlay, and a summary.
 *
 * The map is made one of two ways:
 * - whole-slide (`whole_slide_tiles.ts`), when the model gives its class
 *   maps: they are stitched across tiles at the map grid, and what
 *   whole-image inference does with them (WILDCAT pooling, class weights,
 *   M+, upsampling, min-max normalisation, R+) is done over the whole slide.
 *   The map is the model's map of the slide as one input, except within the
 *   network's reach of tile borders;
 * - per tile (`per_tile_map.ts`), for models without class maps (CAM,
 *   Grad-CAM, deep MIL, ONNX files exported without them) or on request:
 *   each tile's own `predict()` map, normalised over the tile, blended.
 *
 * @example
 * ```ts ignore
 * const slide = await openTiffSlide(read, "slide.tif");
 * const result = await localizeSlide(slide, model, { mpp: 0.5, maskTiff: write });
 * console.log(result.summary.slideClass);
 * ```
 * @module
 */
import type { RgbImage } from "../data/image.ts";
import type { ClassMaps } from "../model/class_maps.ts";
import type { Prediction } from "../inference/prediction.ts";
import type { RandomAccessWriter, Slide } from "./slide.ts";
import { type AnalysisGrid, chooseLevel, SlideOptionError } from "./level_choice.ts";
import { readThumbnail, TissueCoverage, type TissueMask, tissueMask } from "./tissue_mask.ts";
import type { MapRowSink } from "./stitcher.ts";
import { MapOutputs } from "./map_outputs.ts";
import { PyramidTiffWriter } from "./tiff_writer.ts";
import { maskPolygons } from "./marching_squares.ts";
import { type AnnotationCollection, type Classification, polygonsToGeoJson } from "./geojson.ts";
import type { Region } from "./read_tile.ts";
import { heatPictures } from "./heat_pictures.ts";
import { type SlideSummary, slideSummary } from "./slide_summary.ts";
import { GridTilingError } from "./grid_tiles.ts";
import type { MapRun, TileSettings } from "./map_run.ts";
import { perTileMap } from "./per_tile_map.ts";
import { type ClassMapModel, wholeSlideMap } from "./whole_slide_tiles.ts";

export type { SlideSummary } from "./slide_summary.ts";

/** What the slide pipeline needs of a model (a `Localizer` has it). */
export interface SlideModel {
  readonly classes: readonly string[];
  threshold: number;
  predict(image: RgbImage): Promise<Prediction>;
  /** The model's class maps: with them the slide gets its whole-slide map. */
  classMaps?(image: RgbImage): Promise<ClassMaps>;
  /** The method, named in the summary when the map cannot be made whole-slide. */
  readonly method?: string;
}

/** Progress after each tile. */
export interface SlideProgress {
  done: number;
  total: number;
  analysed: number;
  skipped: number;
}

/** Options of {@link localizeSlide}. */
export interface SlideOptions {
  /** Pyramid level to analyse (exclusive with `mpp`). */
  level?: number;
  /** Microns per pixel the model was trained at (exclusive with `level`). */
  mpp?: number;
  /** Tile side in analysis pixels [1024]; a multiple of 32 for the whole-slide map. */
  tile?: number;
  /** Overlap between neighbouring tiles [128]; a multiple of 32 for the whole-slide map. */
  overlap?: number;
  /**
   * Blend each tile's own `predict()` map even when the model gives class
   * maps [false]: the whole-slide map is made whenever it can be.
   */
  perTile?: boolean;
  /** Analysis pixels per map pixel, a whole number [4]. */
  mapFactor?: number;
  /** Longest side of the thumbnail, heat map and overlay [2048]. */
  thumbnail?: number;
  /**
   * Tiles per batch through the network, for the whole-slide map, where the
   * runtime can run a batch [{@link defaultBatch}: 1 for tiles of 1024, 16 for
   * 256]; one at a time otherwise.
   */
  batch?: number;
  /** Skip background tiles [true]. */
  tissue?: boolean;
  /** Least fraction of tissue in a tile's footprint for it to be analysed [0.05]. */
  minTissue?: number;
  /** Where the mask's pyramidal TIFF goes; none written when absent. */
  maskTiff?: RandomAccessWriter;
  /** Called after each tile. */
  onProgress?: (p: SlideProgress) => void;
  /** Also receives each finished map row (for tests and other outputs). */
  onMapRow?: MapRowSink;
}

/** Everything a slide run produces besides the streamed TIFF. */
export interface SlideResult {
  summary: SlideSummary;
  thumbnail: RgbImage;
  heatmap: RgbImage;
  overlay: RgbImage;
  geojson: AnnotationCollection;
  tissue: TissueMask | null;
}

/**
 * Tile pixels per batch through the network by default: tiles of 1024 go
 * one at a time, tiles of 512 four at a time, 256 sixteen. Measured on 2
 * cores with nothing else running (`deno task bench:slide`): a batch of 4
 * tiles of 1024 ran slower than one at a time on both runtimes (one such
 * tile's convolutions already fill the matrix kernels) and raised the peak
 * RSS by 0.14-0.22 GB; batches of 16 tiles of 256 cut the TensorFlow.js model
 * time by 18-21% and left onnxruntime-web's unchanged (a call on a small
 * tile costs beyond its arithmetic). Holding the pixels of a batch near one
 * 1024 tile keeps the model's memory where it was.
 */
export const BATCH_PIXELS = 1024 * 1024;

/**
 * The default batch for tiles of `tile` pixels: {@link BATCH_PIXELS} worth, at least 1.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { defaultBatch } from "./localize_slide.ts";
 * assert.deepEqual([defaultBatch(256), defaultBatch(512), defaultBatch(1024), defaultBatch(2048)], [16, 4, 1, 1]);
 * ```
 */
export function defaultBatch(tile: number): number {
  return Math.max(1, Math.floor(BATCH_PIXELS / (tile * tile)));
}

const PALETTE: [number, number, number][] = [
  [228, 26, 28],
  [55, 126, 184],
  [77, 175, 74],
  [152, 78, 163],
  [255, 127, 0],
  [166, 86, 40],
];

function checkOptions(o: SlideOptions, whole: boolean) {
  const tile = o.tile ?? 1024, overlap = o.overlap ?? 128, factor = o.mapFactor ?? 4;
  if (!Number.isInteger(tile) || tile < 32) {
    throw new SlideOptionError("tile", `the tile must be a whole number >= 32, got ${tile}`);
  }
  // Blended maps ramp over each overlap from both sides; the whole-slide map
  // only needs each tile to own some cells.
  const most = whole ? tile - 1 : Math.ceil(tile / 2) - 1;
  if (!Number.isInteger(overlap) || overlap < 0 || overlap > most) {
    throw new SlideOptionError("overlap", `the overlap must be 0 to ${most}`);
  }
  if (!Number.isInteger(factor) || factor < 1) {
    throw new SlideOptionError("mapFactor", `the map factor must be a whole number >= 1`);
  }
  const minTissue = o.minTissue ?? 0.05;
  if (!(minTissue >= 0 && minTissue <= 1)) {
    throw new SlideOptionError("minTissue", `the tissue fraction must be in [0, 1]`);
  }
  const batch = o.batch ?? defaultBatch(tile);
  if (!Number.isInteger(batch) || batch < 1) {
    throw new SlideOptionError("batch", `the batch must be a whole number >= 1, got ${batch}`);
  }
  return { tile, overlap, factor, minTissue, batch, thumbSide: o.thumbnail ?? 2048 };
}

/** Why the map is made per tile, for the summary's warnings. */
function perTileReason(model: SlideModel, requested: boolean): string {
  if (requested) return "per-tile maps were requested";
  const method = model.method ?? "this";
  return method === "minmax" || method === "wildcat"
    ? "the model gives no class maps (an ONNX file exported before they were added: export it " +
      "again for the whole-slide map), so each tile's map is normalised over the tile, and a " +
      "tile that is mostly glass marks its glass"
    : `the ${method} method's map is not made from WILDCAT class maps, so each tile's map is ` +
      "normalised over the tile, and a tile that is mostly glass marks its glass";
}

/** Whether a tile (in analysis pixels) holds at least `minTissue` of tissue on the thumbnail. */
function tissueFilter(
  coverage: TissueCoverage | null,
  grid: AnalysisGrid,
  minTissue: number,
): (t: Region) => boolean {
  return (t) =>
    coverage === null ||
    coverage.fraction(
        t.x * grid.downsample.x,
        t.y * grid.downsample.y,
        (t.x + t.width) * grid.downsample.x,
        (t.y + t.height) * grid.downsample.y,
      ) >= minTissue;
}

/** How the map is run, and where it goes. */
interface MapRouting {
  whole: boolean;
  perTileRequested: boolean;
  isTissue: (t: Region) => boolean;
  sink: MapRowSink;
  onTile: (done: number, analysed: number, total: number) => void;
}

/** The whole-slide map where the model gives class maps, else the per-tile map, and why. */
async function runMap(
  slide: Slide,
  model: SlideModel,
  grid: AnalysisGrid,
  settings: TileSettings,
  r: MapRouting,
): Promise<{ run: MapRun; warnings: string[] }> {
  if (!r.whole) {
    const warnings = [perTileReason(model, r.perTileRequested)];
    const run = await perTileMap(slide, model, grid, settings, r.isTissue, r.sink, r.onTile);
    return { run, warnings };
  }
  try {
    const m = model as ClassMapModel;
    const run = await wholeSlideMap(slide, m, grid, settings, r.isTissue, r.sink, r.onTile);
    return { run, warnings: [] };
  } catch (e) {
    if (e instanceof GridTilingError) {
      throw new SlideOptionError(
        e.option,
        `${e.message}: the whole-slide map lies on the model's 32-pixel grid ` +
          `(per-tile maps take any size)`,
      );
    }
    throw e;
  }
}

/** The GeoJSON classification of the slide's class (or of "evidence" when no tile was analysed). */
function classificationOf(best: number | null, classes: readonly string[]): Classification {
  return {
    name: best === null ? "evidence" : classes[best],
    color: PALETTE[(best ?? 0) % PALETTE.length],
  };
}

/** Where the map goes: the outputs gathering it, the mask file, and the map's size and scale. */
interface MapPlan {
  outputs: MapOutputs;
  tiff: PyramidTiffWriter | null;
  width: number;
  height: number;
  /** Level-0 pixels per map pixel. */
  level0PerPixel: { x: number; y: number };
  /** Whether the mask keeps to the tissue. */
  limitedToTissue: boolean;
}

/** The map's outputs: in memory at `factor` below the grid, and the mask file when asked for. */
function planMap(
  slide: Slide,
  model: SlideModel,
  grid: AnalysisGrid,
  factor: number,
  thumbnail: RgbImage,
  tissue: TissueMask | null,
  options: { maskTiff?: RandomAccessWriter; perTileTissue: boolean },
): MapPlan {
  const width = Math.ceil(grid.width / factor), height = Math.ceil(grid.height / factor);
  const tiff = options.maskTiff
    ? new PyramidTiffWriter(options.maskTiff, width, height, {
      mpp: grid.mpp ? { x: grid.mpp.x * factor, y: grid.mpp.y * factor } : null,
      description: `Pointwise mask of ${slide.name}: 255 where the map >= ${model.threshold}`,
    })
    : null;
  const level0PerPixel = { x: grid.downsample.x * factor, y: grid.downsample.y * factor };
  // Per tile, the mask keeps to the tissue: a tile's map is normalised over the
  // tile, so a tile with little tissue marks its glass as readily as its tissue.
  const limit = tissue && options.perTileTissue ? { tissue, level0PerPixel } : null;
  const outputs = new MapOutputs(width, height, model.threshold, thumbnail, tiff, limit);
  return { outputs, tiff, width, height, level0PerPixel, limitedToTissue: limit !== null };
}

/** Localizes `model`'s evidence over `slide`. */
export async function localizeSlide(
  slide: Slide,
  model: SlideModel,
  options: SlideOptions = {},
): Promise<SlideResult> {
  const start = performance.now();
  const whole = !options.perTile && model.classMaps !== undefined;
  const { tile, overlap, factor, minTissue, batch, thumbSide } = checkOptions(options, whole);
  const grid = chooseLevel(slide, { level: options.level, mpp: options.mpp });
  const thumb = await readThumbnail(slide, thumbSide);
  const useTissue = options.tissue ?? true;
  const tissue = useTissue ? tissueMask(thumb.image, thumb.downsample) : null;
  const coverage = tissue ? new TissueCoverage(tissue) : null;
  const isTissue = tissueFilter(coverage, grid, minTissue);
  const map = planMap(slide, model, grid, factor, thumb.image, tissue, {
    maskTiff: options.maskTiff,
    perTileTissue: !whole,
  });
  const { outputs } = map;
  const sink: MapRowSink = async (y, v, c) => {
    await outputs.row(y, v, c);
    await options.onMapRow?.(y, v, c);
  };
  const onTile = (done: number, analysed: number, total: number) =>
    options.onProgress?.({ done, total, analysed, skipped: done - analysed });
  const decodeWorkers = slide.decodeWorkers ?? 0;
  const settings = { tile, overlap, factor, batch, readAhead: decodeWorkers > 0 };
  const { run, warnings } = await runMap(slide, model, grid, settings, {
    whole,
    perTileRequested: options.perTile === true,
    isTissue,
    sink,
    onTile,
  });
  run.decodeWorkers = decodeWorkers;

  return await finishSlide({
    slide,
    model,
    grid,
    thumb,
    tissue: useTissue ? tissue : undefined,
    settings: { tile, overlap, factor, minTissue },
    map,
    run,
    warnings,
    start,
  });
}

/** What a localized slide's results are made of. */
interface SlideParts {
  slide: Slide;
  model: SlideModel;
  grid: AnalysisGrid;
  thumb: { image: RgbImage; level: number };
  /** The tissue mask, or undefined when tissue detection was off. */
  tissue: TissueMask | null | undefined;
  settings: { tile: number; overlap: number; factor: number; minTissue: number };
  map: MapPlan;
  run: MapRun;
  warnings: string[];
  /** When the work began (performance.now()). */
  start: number;
}

/** Closes the mask file and makes the slide's results: outlines, pictures and summary. */
async function finishSlide(p: SlideParts): Promise<SlideResult> {
  const { slide, model, grid, thumb, tissue, map, run, warnings } = p;
  const { outputs } = map;
  const tOut = performance.now();
  await map.tiff?.finish();
  const best = run.probabilities === null
    ? null
    : run.probabilities.indexOf(Math.max(...run.probabilities));
  const polygons = maskPolygons(outputs.mask);
  const geojson = polygonsToGeoJson(
    polygons,
    classificationOf(best, model.classes),
    map.level0PerPixel,
  );
  const { heatmap, overlay } = heatPictures(
    thumb.image,
    outputs.heat(),
    outputs.thumbMask(),
    outputs.thumbCovered(),
  );
  const summary = slideSummary({
    slide,
    grid,
    ...p.settings,
    thumbnailLevel: thumb.level,
    tissue,
    classes: model.classes,
    threshold: model.threshold,
    run: { ...run, best },
    limitedToTissue: map.limitedToTissue,
    warnings,
    mask: {
      positives: outputs.positives,
      width: map.width,
      height: map.height,
      polygons: polygons.length,
    },
    seconds: {
      total: (performance.now() - p.start) / 1000,
      outputs: (performance.now() - tOut) / 1000,
    },
  });
  return { summary, thumbnail: thumb.image, heatmap, overlay, geojson, tissue: tissue ?? null };
}
