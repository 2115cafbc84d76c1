/**
 * The JSON summary of a slide run: the slide and its scale, the analysis
 * level and why, the map, the tissue detection, the tiles analysed and
 * skipped, the slide's class with the rule that gave it, the mask's area
 * (map pixels, level-0 pixels, mm² when the scale is known) and the time.
 *
 * @example
 * ```ts ignore
 * const summary = slideSummary({ slide, grid, tile: 1024, overlap: 128, ... });
 * summary.slideClass.rule; // "the class with the highest mean probability over ..."
 * ```
 * @module
 */
import type { Slide } from "./slide.ts";
import type { AnalysisGrid } from "./level_choice.ts";
import type { TissueMask } from "./tissue_mask.ts";
import type { MapRun } from "./map_run.ts";

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
  map: {
    factor: number;
    width: number;
    height: number;
    level0PerPixel: number;
    /** `whole-slide` (the model's map of the slide as one input) or `per-tile`. */
    method: "whole-slide" | "per-tile";
    /** What the map is. */
    detail: string;
    /**
     * Whole-slide: the least distance, in analysis pixels, of any cell of
     * the map from an inner edge of the tile it was computed in.
     */
    tileMargin: number | null;
  };
  tissue: {
    used: boolean;
    thumbnailLevel: number;
    saturationThreshold: number | null;
    fraction: number | null;
    minTissue: number;
  };
  tiles: {
    total: number;
    analysed: number;
    skipped: number;
    skippedReason: string;
    /** Tiles per batch through the network (1: one at a time). */
    batch: number;
    /** Worker threads decoding tiles ahead of the model (0: on the main thread). */
    decodeWorkers: number;
  };
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
    /** Whether the mask was limited to the tissue found on the thumbnail. */
    limitedToTissue: boolean;
  };
  seconds: { total: number; read: number; model: number; stitch: number; outputs: number };
  /** What the reader should know about this run's map. */
  warnings: string[];
}

/** What {@link slideSummary} is made from. */
export interface SummaryInput {
  slide: Slide;
  grid: AnalysisGrid;
  tile: number;
  overlap: number;
  factor: number;
  thumbnailLevel: number;
  /** The tissue mask, or undefined when detection was off. */
  tissue: TissueMask | null | undefined;
  minTissue: number;
  classes: readonly string[];
  threshold: number;
  run: MapRun & { best: number | null };
  /** Whether the mask was limited to the tissue found on the thumbnail. */
  limitedToTissue: boolean;
  warnings: string[];
  mask: { positives: number; width: number; height: number; polygons: number };
  seconds: { total: number; outputs: number };
}

const round = (v: number, d = 3) => Number(v.toFixed(d));

/** The summary of a run. */
export function slideSummary(i: SummaryInput): SlideSummary {
  const { slide, grid, run, tissue } = i;
  const l0 = slide.levels[0];
  const perPixel = { x: grid.downsample.x * i.factor, y: grid.downsample.y * i.factor };
  const level0Pixels = i.mask.positives * perPixel.x * perPixel.y;
  const mpp = slide.mpp;
  return {
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
      tile: i.tile,
      overlap: i.overlap,
    },
    map: {
      factor: i.factor,
      width: i.mask.width,
      height: i.mask.height,
      level0PerPixel: round(perPixel.x, 4),
      method: run.method,
      detail: run.detail,
      tileMargin: run.margin,
    },
    tissue: {
      used: tissue !== undefined,
      thumbnailLevel: i.thumbnailLevel,
      saturationThreshold: tissue ? tissue.threshold : null,
      fraction: tissue ? round(tissue.fraction, 4) : null,
      minTissue: i.minTissue,
    },
    tiles: {
      total: run.total,
      analysed: run.analysed,
      skipped: run.total - run.analysed,
      skippedReason: tissue !== undefined
        ? `less than ${i.minTissue * 100}% tissue in the tile (saturation above the threshold)`
        : "none skipped (tissue detection off)",
      batch: run.batch ?? 1,
      decodeWorkers: run.decodeWorkers ?? 0,
    },
    slideClass: {
      name: run.best === null ? null : i.classes[run.best],
      index: run.best,
      rule: run.rule,
      probabilities: Object.fromEntries(
        i.classes.map((c, k) => [c, round(run.probabilities?.[k] ?? 0, 6)]),
      ),
      tileVotes: Object.fromEntries(i.classes.map((c, k) => [c, run.votes[k]])),
    },
    mask: {
      threshold: i.threshold,
      mapPixels: i.mask.positives,
      level0Pixels: Math.round(level0Pixels),
      areaMm2: mpp ? round((level0Pixels * mpp.x * mpp.y) / 1e6, 6) : null,
      fractionOfSlide: round(level0Pixels / (l0.width * l0.height), 6),
      polygons: i.mask.polygons,
      limitedToTissue: i.limitedToTissue,
    },
    seconds: {
      total: round(i.seconds.total, 2),
      read: round(run.seconds.read, 2),
      model: round(run.seconds.model, 2),
      stitch: round(run.seconds.stitch, 2),
      outputs: round(i.seconds.outputs, 2),
    },
    warnings: i.warnings,
  };
}
