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
import { drawOutline } from "../viz/overlay.ts";
import { colormap } from "../viz/colormap.ts";
import type { RandomAccessWriter, Slide } from "./slide.ts";
import { type AnalysisGrid, chooseLevel, SlideOptionError } from "./level_choice.ts";
import { readThumbnail, TissueCoverage, type TissueMask, tissueMask } from "./tissue_mask.ts";
import { blendWeights, planTiles, type Tile } from "./tiling.ts";
import { type MapRowSink, MapStitcher } from "./stitcher.ts";
import { MapOutputs } from "./map_outputs.ts";
import { PyramidTiffWriter } from "./tiff_writer.ts";
import { maskPolygons } from "./marching_squares.ts";
import { type AnnotationCollection, type Classification, polygonsToGeoJson } from "./geojson.ts";
import { resizeArea } from "./resample.ts";

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

/** The JSON summary of a slide. */
export interface SlideSummary {
  slide: { name: string; format: string; width: number; height: number; levels: number };
  mpp: { x: number; y: number; source: string } | null;
  analysis: {
    level: number;
    scale: number;
    width: number;
    height: number;
    downsample: number;
    mpp: number | null;
    reason: string;
    tile: number;
    overlap: number;
  };
  map: { factor: number; width: number; height: number; level0PerPixel: number };
  tissue: {
    used: boolean;
    thumbnailLevel: number;
    saturationThreshold: number | null;
    fraction: number | null;
    minTissue: number;
  };
  tiles: { total: number; analysed: number; skipped: number; skippedReason: string };
  slideClass: {
    name: string | null;
    index: number | null;
    rule: string;
    probabilities: Record<string, number>;
    tileVotes: Record<string, number>;
  };
  mask: {
    threshold: number;
    mapPixels: number;
    level0Pixels: number;
    areaMm2: number | null;
    fractionOfSlide: number;
    polygons: number;
  };
  seconds: { total: number; read: number; model: number; stitch: number; outputs: number };
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

/** The turbo colour of 256 levels, so that a picture costs no polynomial per pixel. */
const LUT = (() => {
  const lut = new Uint8Array(256 * 3);
  for (let i = 0; i < 256; i++) lut.set(colormap(i / 255), 3 * i);
  return lut;
})();

/**
 * The heat map alone and blended over the thumbnail (45%, as `heatmapOverlay`),
 * with the mask outlined in white.
 */
export function heatPictures(
  thumb: RgbImage,
  heat: Float32Array,
  mask: Uint8Array,
): { heatmap: RgbImage; overlay: RgbImage } {
  const n = heat.length;
  const h = new Uint8Array(3 * n), o = new Uint8Array(3 * n);
  const alpha = 0.45;
  for (let i = 0; i < n; i++) {
    const q = 3 * Math.round(255 * Math.min(1, Math.max(0, heat[i])));
    for (let c = 0; c < 3; c++) {
      h[3 * i + c] = LUT[q + c];
      o[3 * i + c] = Math.round((1 - alpha) * thumb.data[3 * i + c] + alpha * LUT[q + c]);
    }
  }
  drawOutline(o, thumb.width, thumb.height, mask, [255, 255, 255]);
  const size = { width: thumb.width, height: thumb.height };
  return { heatmap: { ...size, data: h }, overlay: { ...size, data: o } };
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
  const l0 = slide.levels[0];
  const thumb = await readThumbnail(slide, thumbSide);
  const useTissue = options.tissue ?? true;
  const tissue = useTissue ? tissueMask(thumb.image, thumb.downsample) : null;
  const coverage = tissue ? new TissueCoverage(tissue) : null;

  const plan = planTiles(grid.width, grid.height, tile, overlap);
  const tiff = options.maskTiff
    ? new PyramidTiffWriter(
      options.maskTiff,
      Math.ceil(grid.width / factor),
      Math.ceil(grid.height / factor),
      {
        mpp: grid.mpp ? { x: grid.mpp.x * factor, y: grid.mpp.y * factor } : null,
        description: `Pointwise mask of ${slide.name}: 255 where the map >= ${model.threshold}`,
      },
    )
    : null;
  const outputs = new MapOutputs(
    Math.ceil(grid.width / factor),
    Math.ceil(grid.height / factor),
    model.threshold,
    thumb.image,
    tiff,
  );
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

  const isTissue = (t: Tile) =>
    coverage === null ||
    coverage.fraction(
        t.x * grid.downsample.x,
        t.y * grid.downsample.y,
        (t.x + t.width) * grid.downsample.x,
        (t.y + t.height) * grid.downsample.y,
      ) >= minTissue;
  const tiles = plan.rows.flat();
  const todo = tiles.filter(isTissue);
  const sums = new Float64Array(model.classes.length);
  const votes = new Array(model.classes.length).fill(0);
  const seconds = { read: 0, model: 0, stitch: 0 };
  let done = 0, analysed = 0;
  // Tiles are read one at a time: decoding is JavaScript on this thread, so reading
  // ahead while the model runs would gain only the file I/O.
  let k = 0;
  for (const row of plan.rows) {
    for (const t of row) {
      if (k < todo.length && todo[k] === t) {
        k++;
        const tr = performance.now();
        const image = await readTile(slide, grid, t);
        seconds.read += (performance.now() - tr) / 1000;
        const t0 = performance.now();
        const p = await model.predict(image);
        const t1 = performance.now();
        p.probabilities.forEach((v, c) => (sums[c] += v));
        votes[p.classIndex]++;
        stitcher.add(
          t.x,
          t.y,
          t.width,
          t.height,
          p.mask,
          blendWeights(t.x, t.width, grid.width, overlap),
          blendWeights(t.y, t.height, grid.height, overlap),
        );
        seconds.model += (t1 - t0) / 1000;
        seconds.stitch += (performance.now() - t1) / 1000;
        analysed++;
      }
      done++;
      options.onProgress?.({ done, total: tiles.length, analysed, skipped: done - analysed });
    }
    const t0 = performance.now();
    await stitcher.emitBefore(plan.ys[row[0].row + 1] ?? grid.height);
    seconds.stitch += (performance.now() - t0) / 1000;
  }
  const tOut = performance.now();
  await stitcher.finish();
  await tiff?.finish();

  const meanProbs = Array.from(sums, (s) => (analysed > 0 ? s / analysed : 0));
  let best: number | null = null;
  for (let c = 0; c < meanProbs.length && analysed > 0; c++) {
    if (best === null || meanProbs[c] > meanProbs[best]) best = c;
  }
  const className = best === null ? null : model.classes[best];
  const classification: Classification = {
    name: className ?? "evidence",
    color: PALETTE[(best ?? 0) % PALETTE.length],
  };
  const level0PerPixel = { x: grid.downsample.x * factor, y: grid.downsample.y * factor };
  const polygons = maskPolygons(outputs.mask);
  const geojson = polygonsToGeoJson(polygons, classification, level0PerPixel);

  const { heatmap, overlay } = heatPictures(thumb.image, outputs.heat(), outputs.thumbMask());
  const level0Pixels = outputs.positives * level0PerPixel.x * level0PerPixel.y;
  const mpp = slide.mpp;
  const round = (v: number, d = 3) => Number(v.toFixed(d));
  const summary: SlideSummary = {
    slide: {
      name: slide.name,
      format: slide.format,
      width: l0.width,
      height: l0.height,
      levels: slide.levels.length,
    },
    mpp: mpp ? { x: mpp.x, y: mpp.y, source: mpp.source } : null,
    analysis: {
      level: grid.level,
      scale: round(grid.scale, 4),
      width: grid.width,
      height: grid.height,
      downsample: round(grid.downsample.x, 4),
      mpp: grid.mpp ? round(grid.mpp.x, 4) : null,
      reason: grid.reason,
      tile,
      overlap,
    },
    map: {
      factor,
      width: outputs.width,
      height: outputs.height,
      level0PerPixel: round(level0PerPixel.x, 4),
    },
    tissue: {
      used: useTissue,
      thumbnailLevel: thumb.level,
      saturationThreshold: tissue ? tissue.threshold : null,
      fraction: tissue ? round(tissue.fraction, 4) : null,
      minTissue,
    },
    tiles: {
      total: tiles.length,
      analysed,
      skipped: tiles.length - analysed,
      skippedReason: useTissue
        ? `less than ${minTissue * 100}% tissue in the tile (saturation above the threshold)`
        : "none skipped (tissue detection off)",
    },
    slideClass: {
      name: className,
      index: best,
      rule: `the class with the highest mean probability over the ${analysed} analysed tiles`,
      probabilities: Object.fromEntries(model.classes.map((c, i) => [c, round(meanProbs[i], 6)])),
      tileVotes: Object.fromEntries(model.classes.map((c, i) => [c, votes[i]])),
    },
    mask: {
      threshold: model.threshold,
      mapPixels: outputs.positives,
      level0Pixels: Math.round(level0Pixels),
      areaMm2: mpp ? round((level0Pixels * mpp.x * mpp.y) / 1e6, 6) : null,
      fractionOfSlide: round(level0Pixels / (l0.width * l0.height), 6),
      polygons: polygons.length,
    },
    seconds: {
      total: round((performance.now() - start) / 1000, 2),
      read: round(seconds.read, 2),
      model: round(seconds.model, 2),
      stitch: round(seconds.stitch, 2),
      outputs: round((performance.now() - tOut) / 1000, 2),
    },
  };
  return { summary, thumbnail: thumb.image, heatmap, overlay, geojson, tissue };
}
