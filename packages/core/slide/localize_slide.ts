/**
 * Localization on a whole slide: the analysis level is chosen (a level, or
 * the model's microns per pixel), background tiles are found on a thumbnail
 * (saturation, Otsu) and skipped, the others are predicted one by one with
 * overlap, and their maps are blended and stitched, streaming, into one map
 * at `mapFactor` analysis pixels per map pixel. From the map come the mask's
 * pyramidal TIFF (through an injected writer), its contours as QuPath
 * GeoJSON, a thumbnail heat map and overlay, and a summary.
 *
 * Each tile's map is the model's own `predict()` output: for min-max and CAM
 * models it is normalised over the tile (R+ is min-max normalised per
 * input), so the slide's map is a blend of per-tile maps, not the map the
 * model would give the slide as one input.
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
import type { Prediction } from "../inference/prediction.ts";
import type { RandomAccessWriter, Slide } from "./slide.ts";
import { type AnalysisGrid, chooseLevel, SlideOptionError } from "./level_choice.ts";
import { readThumbnail, TissueCoverage, type TissueMask, tissueMask } from "./tissue_mask.ts";
import { blendWeights, planTiles, type Tile, type TilePlan } from "./tiling.ts";
import { type MapRowSink, MapStitcher } from "./stitcher.ts";
import { MapOutputs } from "./map_outputs.ts";
import { PyramidTiffWriter } from "./tiff_writer.ts";
import { maskPolygons } from "./marching_squares.ts";
import { type AnnotationCollection, type Classification, polygonsToGeoJson } from "./geojson.ts";
import { resizeArea } from "./resample.ts";
import { heatPictures } from "./heat_pictures.ts";
import { type SlideSummary, slideSummary } from "./slide_summary.ts";

export type { SlideSummary } from "./slide_summary.ts";

/** What the slide pipeline needs of a model (a `Localizer` has it). */
export interface SlideModel {
  readonly classes: readonly string[];
  threshold: number;
  predict(image: RgbImage): Promise<Prediction>;
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
  /** Tile side in analysis pixels [1024]. */
  tile?: number;
  /** Overlap between neighbouring tiles [128]. */
  overlap?: number;
  /** Analysis pixels per map pixel, a whole number [4]. */
  mapFactor?: number;
  /** Longest side of the thumbnail, heat map and overlay [2048]. */
  thumbnail?: number;
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

const PALETTE: [number, number, number][] = [
  [228, 26, 28],
  [55, 126, 184],
  [77, 175, 74],
  [152, 78, 163],
  [255, 127, 0],
  [166, 86, 40],
];

function checkOptions(o: SlideOptions) {
  const tile = o.tile ?? 1024, overlap = o.overlap ?? 128, factor = o.mapFactor ?? 4;
  if (!Number.isInteger(tile) || tile < 32) {
    throw new SlideOptionError("tile", `the tile must be a whole number >= 32, got ${tile}`);
  }
  if (!Number.isInteger(overlap) || overlap < 0 || 2 * overlap >= tile) {
    throw new SlideOptionError("overlap", `the overlap must be 0 to ${Math.ceil(tile / 2) - 1}`);
  }
  if (!Number.isInteger(factor) || factor < 1) {
    throw new SlideOptionError("mapFactor", `the map factor must be a whole number >= 1`);
  }
  const minTissue = o.minTissue ?? 0.05;
  if (!(minTissue >= 0 && minTissue <= 1)) {
    throw new SlideOptionError("minTissue", `the tissue fraction must be in [0, 1]`);
  }
  return { tile, overlap, factor, minTissue, thumbSide: o.thumbnail ?? 2048 };
}

/** Reads a tile at analysis resolution (shrinking a finer level when the grid asks for it). */
async function readTile(slide: Slide, g: AnalysisGrid, t: Tile): Promise<RgbImage> {
  if (g.scale === 1) return await slide.readRegion(g.level, t.x, t.y, t.width, t.height);
  const x0 = Math.floor(t.x * g.scale), y0 = Math.floor(t.y * g.scale);
  const x1 = Math.ceil((t.x + t.width) * g.scale), y1 = Math.ceil((t.y + t.height) * g.scale);
  return resizeArea(await slide.readRegion(g.level, x0, y0, x1 - x0, y1 - y0), t.width, t.height);
}

/** The tiles' running totals. */
interface TileRun {
  analysed: number;
  total: number;
  sums: Float64Array;
  votes: number[];
  seconds: { read: number; model: number; stitch: number };
}

/**
 * Predicts every tissue tile row by row, adds its map to the stitcher, and
 * lets the stitcher hand on the rows no later tile reaches.
 */
async function runTiles(
  slide: Slide,
  model: SlideModel,
  grid: AnalysisGrid,
  plan: TilePlan,
  stitcher: MapStitcher,
  isTissue: (t: Tile) => boolean,
  onProgress?: (p: SlideProgress) => void,
): Promise<TileRun> {
  const run: TileRun = {
    analysed: 0,
    total: plan.count,
    sums: new Float64Array(model.classes.length),
    votes: new Array(model.classes.length).fill(0),
    seconds: { read: 0, model: 0, stitch: 0 },
  };
  let done = 0;
  for (const row of plan.rows) {
    for (const t of row) {
      // Tiles are read one at a time: decoding is JavaScript on this thread, so
      // reading ahead while the model runs would gain only the file I/O.
      if (isTissue(t)) {
        const t0 = performance.now();
        const image = await readTile(slide, grid, t);
        const t1 = performance.now();
        const p = await model.predict(image);
        const t2 = performance.now();
        p.probabilities.forEach((v, c) => (run.sums[c] += v));
        run.votes[p.classIndex]++;
        const wx = blendWeights(t.x, t.width, grid.width, plan.overlap);
        const wy = blendWeights(t.y, t.height, grid.height, plan.overlap);
        stitcher.add(t.x, t.y, t.width, t.height, p.mask, wx, wy);
        run.seconds.read += (t1 - t0) / 1000;
        run.seconds.model += (t2 - t1) / 1000;
        run.seconds.stitch += (performance.now() - t2) / 1000;
        run.analysed++;
      }
      done++;
      onProgress?.({
        done,
        total: plan.count,
        analysed: run.analysed,
        skipped: done - run.analysed,
      });
    }
    const t0 = performance.now();
    await stitcher.emitBefore(plan.ys[row[0].row + 1] ?? grid.height);
    run.seconds.stitch += (performance.now() - t0) / 1000;
  }
  return run;
}

/** The slide's class from its tiles: the highest mean probability (null without tiles). */
function slideClass(run: TileRun): number | null {
  if (run.analysed === 0) return null;
  let best = 0;
  for (let c = 1; c < run.sums.length; c++) if (run.sums[c] > run.sums[best]) best = c;
  return best;
}

/** Localizes `model`'s evidence over `slide`. */
export async function localizeSlide(
  slide: Slide,
  model: SlideModel,
  options: SlideOptions = {},
): Promise<SlideResult> {
  const start = performance.now();
  const { tile, overlap, factor, minTissue, thumbSide } = checkOptions(options);
  const grid = chooseLevel(slide, { level: options.level, mpp: options.mpp });
  const thumb = await readThumbnail(slide, thumbSide);
  const useTissue = options.tissue ?? true;
  const tissue = useTissue ? tissueMask(thumb.image, thumb.downsample) : null;
  const coverage = tissue ? new TissueCoverage(tissue) : null;
  const isTissue = (t: Tile) =>
    coverage === null ||
    coverage.fraction(
        t.x * grid.downsample.x,
        t.y * grid.downsample.y,
        (t.x + t.width) * grid.downsample.x,
        (t.y + t.height) * grid.downsample.y,
      ) >= minTissue;

  const plan = planTiles(grid.width, grid.height, tile, overlap);
  const mapWidth = Math.ceil(grid.width / factor), mapHeight = Math.ceil(grid.height / factor);
  const tiff = options.maskTiff
    ? new PyramidTiffWriter(options.maskTiff, mapWidth, mapHeight, {
      mpp: grid.mpp ? { x: grid.mpp.x * factor, y: grid.mpp.y * factor } : null,
      description: `Pointwise mask of ${slide.name}: 255 where the map >= ${model.threshold}`,
    })
    : null;
  const level0PerPixel = { x: grid.downsample.x * factor, y: grid.downsample.y * factor };
  // The mask keeps to the tissue: a tile's map is normalised over the tile, so a tile
  // with little tissue marks its glass as readily as its tissue.
  const limit = tissue ? { tissue, level0PerPixel } : null;
  const outputs = new MapOutputs(mapWidth, mapHeight, model.threshold, thumb.image, tiff, limit);
  const stitcher = new MapStitcher(
    grid.width,
    grid.height,
    factor,
    plan.rows[0][0].height,
    async (y, v, c) => {
      await outputs.row(y, v, c);
      await options.onMapRow?.(y, v, c);
    },
  );
  const run = await runTiles(slide, model, grid, plan, stitcher, isTissue, options.onProgress);

  const tOut = performance.now();
  await stitcher.finish();
  await tiff?.finish();
  const best = slideClass(run);
  const classification: Classification = {
    name: best === null ? "evidence" : model.classes[best],
    color: PALETTE[(best ?? 0) % PALETTE.length],
  };
  const polygons = maskPolygons(outputs.mask);
  const geojson = polygonsToGeoJson(polygons, classification, level0PerPixel);
  const { heatmap, overlay } = heatPictures(
    thumb.image,
    outputs.heat(),
    outputs.thumbMask(),
    outputs.thumbCovered(),
  );
  const summary = slideSummary({
    slide,
    grid,
    tile,
    overlap,
    factor,
    thumbnailLevel: thumb.level,
    tissue: useTissue ? tissue : undefined,
    minTissue,
    classes: model.classes,
    threshold: model.threshold,
    run: { ...run, best },
    mask: {
      positives: outputs.positives,
      width: mapWidth,
      height: mapHeight,
      polygons: polygons.length,
    },
    seconds: {
      total: (performance.now() - start) / 1000,
      outputs: (performance.now() - tOut) / 1000,
    },
  });
  return { summary, thumbnail: thumb.image, heatmap, overlay, geojson, tissue };
}
