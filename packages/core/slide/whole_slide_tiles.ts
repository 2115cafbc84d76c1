/**
 * The tiles of a whole-slide map: each tissue tile of the padded grid
 * (`grid_tiles.ts`) is read, with the slide's reflect padding where it
 * passes the slide's edges, and the model's class maps of it go into the
 * slide's mosaic (the cells the tile owns). Nothing image-level happens per
 * tile: that is left to `whole_slide_map.ts`, over the whole slide.
 *
 * @example
 * ```ts ignore
 * const run = await runGridTiles(slide, model, grid, planGridTiles(w, h, 1024, 128), () => true);
 * ```
 * @module
 */
import type { RgbImage } from "../data/image.ts";
import { type ClassMaps, type MapHead, wildcatScores } from "../model/class_maps.ts";
import { ClassMapMosaic } from "./class_map_mosaic.ts";
import { type GridPlan, type GridTile, planGridTiles, tileSources } from "./grid_tiles.ts";
import type { AnalysisGrid } from "./level_choice.ts";
import { readTile, type Region } from "./read_tile.ts";
import type { Slide } from "./slide.ts";
import type { MapRun, TileSettings } from "./map_run.ts";
import type { MapRowSink } from "./stitcher.ts";
import { emitWholeSlideMap } from "./whole_slide_map.ts";

/** What a whole-slide map needs of a model (a `Localizer` with class maps has it). */
export interface ClassMapModel {
  readonly classes: readonly string[];
  classMaps(image: RgbImage): Promise<ClassMaps>;
  /** Several tiles of one size as one batch, where the runtime can. */
  classMapsBatch?(images: readonly RgbImage[]): Promise<ClassMaps[]>;
}

/** How tiles go through the model. */
export interface BatchSettings {
  /** Tiles per batch through the network [1]; 1 where the model has no `classMapsBatch`. */
  batch?: number;
  /**
   * Read the next batch's tiles while the model runs on this one [false]:
   * a gain only where the slide decodes its tiles off this thread.
   */
  readAhead?: boolean;
}

/** The tiles' results. */
export interface GridRun {
  analysed: number;
  total: number;
  /** Per class, the tiles whose own class maps' WILDCAT scores pick it. */
  votes: number[];
  seconds: { read: number; model: number; stitch: number };
  /** The stitched class maps (null when no tile was analysed). */
  mosaic: ClassMapMosaic | null;
  /** How the model turns class maps into its map (null when no tile was analysed). */
  head: MapHead | null;
}

/** The tile's pixels, reflected at the slide's edges as whole-image inference pads. */
async function readGridTile(
  slide: Slide,
  grid: AnalysisGrid,
  plan: GridPlan,
  t: GridTile,
): Promise<RgbImage> {
  const sx = tileSources(t.x, t.width, plan.pad.left, plan.width);
  const sy = tileSources(t.y, t.height, plan.pad.top, plan.height);
  const w = sx.to - sx.from;
  const region = await readTile(slide, grid, {
    x: sx.from,
    y: sy.from,
    width: w,
    height: sy.to - sy.from,
  });
  const data = new Uint8Array(t.width * t.height * 3);
  for (let j = 0; j < t.height; j++) {
    const row = (sy.source[j] - sy.from) * w;
    for (let i = 0; i < t.width; i++) {
      const s = (row + sx.source[i] - sx.from) * 3, d = (j * t.width + i) * 3;
      data[d] = region.data[s];
      data[d + 1] = region.data[s + 1];
      data[d + 2] = region.data[s + 2];
    }
  }
  return { width: t.width, height: t.height, data };
}

/** The part of the slide a tile covers, in analysis pixels. */
export function footprint(plan: GridPlan, t: GridTile): Region {
  const x0 = Math.max(0, t.x - plan.pad.left), y0 = Math.max(0, t.y - plan.pad.top);
  const x1 = Math.min(plan.width, t.x + t.width - plan.pad.left);
  const y1 = Math.min(plan.height, t.y + t.height - plan.pad.top);
  return { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
}

/** The tiles in order, cut after every `batch` tissue tiles; each group with its tissue tiles. */
function* tileGroups(
  plan: GridPlan,
  isTissue: (footprint: Region) => boolean,
  batch: number,
): Generator<{ tiles: GridTile[]; tissue: GridTile[] }> {
  let group = { tiles: [] as GridTile[], tissue: [] as GridTile[] };
  for (const t of plan.rows.flat()) {
    group.tiles.push(t);
    if (isTissue(footprint(plan, t))) group.tissue.push(t);
    if (group.tissue.length === batch) {
      yield group;
      group = { tiles: [], tissue: [] };
    }
  }
  if (group.tiles.length > 0) yield group;
}

/** The model's class maps of tiles of one size: one batch where it can, else one by one. */
async function classMapsOf(model: ClassMapModel, images: RgbImage[]): Promise<ClassMaps[]> {
  if (images.length > 1 && model.classMapsBatch) return await model.classMapsBatch(images);
  const out: ClassMaps[] = [];
  for (const image of images) out.push(await model.classMaps(image));
  return out;
}

/**
 * Computes the class maps of every tile that `isTissue` accepts and stitches
 * them into the slide's mosaic. All tiles of a grid plan have one size, so
 * `batch` tissue tiles at a time go through the model together; with
 * `readAhead`, the next batch is read while the model runs (at most two
 * batches of tiles are held). `seconds.read` is the time spent waiting for
 * tiles. `onTile` is called after each tile.
 */
export async function runGridTiles(
  slide: Slide,
  model: ClassMapModel,
  grid: AnalysisGrid,
  plan: GridPlan,
  isTissue: (footprint: Region) => boolean,
  onTile?: (done: number, analysed: number, total: number) => void,
  o: BatchSettings = {},
): Promise<GridRun> {
  const run: GridRun = {
    analysed: 0,
    total: plan.count,
    votes: new Array(model.classes.length).fill(0),
    seconds: { read: 0, model: 0, stitch: 0 },
    mosaic: null,
    head: null,
  };
  const batch = model.classMapsBatch ? Math.max(1, Math.floor(o.batch ?? 1)) : 1;
  const read = (tiles: GridTile[]) => {
    const images = Promise.all(tiles.map((t) => readGridTile(slide, grid, plan, t)));
    // A read ahead may fail while the model runs: it is reported when awaited, not as unhandled.
    images.catch(() => {});
    return images;
  };
  const groups = tileGroups(plan, isTissue, batch);
  let done = 0;
  let next = groups.next();
  let pending = next.done ? null : read(next.value.tissue);
  while (!next.done && pending) {
    const group = next.value;
    const t0 = performance.now();
    const images = await pending;
    next = groups.next();
    // Started before the model runs: its decoding, when off this thread, overlaps it.
    pending = next.done ? null : o.readAhead ? read(next.value.tissue) : null;
    const t1 = performance.now();
    const maps = await classMapsOf(model, images);
    const t2 = performance.now();
    group.tissue.forEach((t, i) => {
      const cm = maps[i];
      run.mosaic ??= new ClassMapMosaic(cm.classes, plan.paddedHeight, plan.paddedWidth, cm.stride);
      run.head ??= cm.head;
      run.mosaic.add(t, cm);
      const { scores } = wildcatScores(cm, cm.head.kmax);
      run.votes[scores.indexOf(Math.max(...scores))]++;
    });
    run.seconds.read += (t1 - t0) / 1000;
    run.seconds.model += (t2 - t1) / 1000;
    run.seconds.stitch += (performance.now() - t2) / 1000;
    for (const t of group.tiles) {
      if (group.tissue.includes(t)) run.analysed++;
      onTile?.(++done, run.analysed, plan.count);
    }
    if (!next.done) pending ??= read(next.value.tissue);
  }
  return run;
}

/**
 * The whole-slide map: class maps of every tissue tile on the padded grid,
 * stitched, then pooled, weighted, upsampled and normalised over the whole
 * slide (`emitWholeSlideMap`) and streamed to `sink`.
 *
 * @throws {GridTilingError} when the tile or overlap is not a multiple of 32.
 */
export async function wholeSlideMap(
  slide: Slide,
  model: ClassMapModel,
  grid: AnalysisGrid,
  s: TileSettings,
  isTissue: (footprint: Region) => boolean,
  sink: MapRowSink,
  onTile?: (done: number, analysed: number, total: number) => void,
): Promise<MapRun> {
  const plan = planGridTiles(grid.width, grid.height, s.tile, s.overlap);
  const run = await runGridTiles(slide, model, grid, plan, isTissue, onTile, s);
  const t0 = performance.now();
  const result = run.mosaic && run.head
    ? await emitWholeSlideMap(run.mosaic, run.head, plan, s.factor, sink)
    : null;
  if (result === null) {
    const w = Math.ceil(grid.width / s.factor);
    for (let y = 0; y < Math.ceil(grid.height / s.factor); y++) {
      await sink(y, new Float32Array(w), new Uint8Array(w));
    }
  }
  // The map's rows, computed as they are emitted, are the stitching of this path.
  run.seconds.stitch += (performance.now() - t0) / 1000;
  const mosaic = run.mosaic;
  const kind = run.head?.output.kind === "normalized" ? "min-max normalised M+" : "R+";
  return {
    analysed: run.analysed,
    total: run.total,
    votes: run.votes,
    seconds: run.seconds,
    probabilities: result?.probabilities ?? null,
    rule: result === null
      ? "no tile analysed"
      : `the localizer's posterior over the whole slide: softmax of the WILDCAT scores (mean of ` +
        `the top ${result.k} of the ${result.cells} analysed cells of each stitched class map)`,
    method: "whole-slide",
    detail: `the slide's ${kind} as whole-image inference computes it: the localizer's class ` +
      `maps stitched across tiles at the map grid (stride ${mosaic?.stride ?? "?"}, tiles and ` +
      `overlaps aligned to the image padded to multiples of 32), then pooled, weighted, ` +
      `upsampled, and min-max normalised over the whole slide` +
      (mosaic && mosaic.count < mosaic.computed.length
        ? `; cells of skipped tiles are left out of the pooling, the min and max, and the map`
        : ""),
    margin: plan.margin,
    batch: model.classMapsBatch ? Math.max(1, Math.floor(s.batch ?? 1)) : 1,
  };
}
