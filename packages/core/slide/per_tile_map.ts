/**
 * A slide's map as a blend of its tiles' own maps: each tissue tile goes
 * through the model's `predict()`, and the maps are cross-faded over the
 * overlaps and stitched, streaming, into one map. For min-max, WILDCAT and
 * CAM models each tile's map is normalised over the tile, so a tile that is
 * mostly glass marks its glass as strongly as another tile marks tissue:
 * this is what runs when a model gives no class maps (see
 * `whole_slide_map.ts` for the map of the slide as one input). The slide's
 * class is the class with the highest mean probability over the tiles.
 *
 * @example
 * ```ts ignore
 * const run = await perTileMap(slide, model, grid, { tile: 1024, overlap: 128, factor: 4 }, isTissue, sink);
 * ```
 * @module
 */
import type { RgbImage } from "../data/image.ts";
import type { Prediction } from "../inference/prediction.ts";
import type { AnalysisGrid } from "./level_choice.ts";
import { readTile, type Region } from "./read_tile.ts";
import type { Slide } from "./slide.ts";
import { type MapRowSink, MapStitcher } from "./stitcher.ts";
import { blendWeights, planTiles, type TilePlan } from "./tiling.ts";
import type { MapRun, TileSettings } from "./map_run.ts";

/** What the per-tile map needs of a model. */
export interface PredictModel {
  readonly classes: readonly string[];
  predict(image: RgbImage): Promise<Prediction>;
}

/** The tissue tiles' reads in order, each started when asked for, or one ahead with `readAhead`. */
function tileReader(
  slide: Slide,
  grid: AnalysisGrid,
  tiles: readonly Region[],
  readAhead: boolean,
): (k: number) => Promise<RgbImage> {
  let pending: { k: number; read: Promise<RgbImage> } | null = null;
  const start = (k: number) => {
    const read = readTile(slide, grid, tiles[k]);
    read.catch(() => {}); // rejected before it is awaited: reported where it is awaited
    return { k, read };
  };
  return (k) => {
    const now = pending?.k === k ? pending.read : start(k).read;
    pending = readAhead && k + 1 < tiles.length ? start(k + 1) : null;
    return now;
  };
}

/**
 * Predicts every tissue tile row by row, adds its map to the stitcher, and lets the stitcher hand
 * on the rows no later tile reaches. With `readAhead` (where the slide decodes its tiles off this
 * thread) the next tissue tile is read while the model runs on this one; `seconds.read` is the
 * time spent waiting for tiles.
 */
async function runTiles(
  slide: Slide,
  model: PredictModel,
  grid: AnalysisGrid,
  plan: TilePlan,
  stitcher: MapStitcher,
  isTissue: (r: Region) => boolean,
  readAhead: boolean,
  onTile?: (done: number, analysed: number, total: number) => void,
) {
  const run = {
    analysed: 0,
    total: plan.count,
    sums: new Float64Array(model.classes.length),
    votes: new Array(model.classes.length).fill(0),
    seconds: { read: 0, model: 0, stitch: 0 },
  };
  const tissue = plan.rows.flat().filter((t) => isTissue(t));
  const read = tileReader(slide, grid, tissue, readAhead);
  let done = 0;
  for (const row of plan.rows) {
    for (const t of row) {
      if (run.analysed < tissue.length && tissue[run.analysed] === t) {
        const t0 = performance.now();
        const image = await read(run.analysed);
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
      onTile?.(++done, run.analysed, plan.count);
    }
    const t0 = performance.now();
    await stitcher.emitBefore(plan.ys[row[0].row + 1] ?? grid.height);
    run.seconds.stitch += (performance.now() - t0) / 1000;
  }
  return run;
}

/** Runs the tiles and streams the blended map to `sink`. */
export async function perTileMap(
  slide: Slide,
  model: PredictModel,
  grid: AnalysisGrid,
  s: TileSettings,
  isTissue: (r: Region) => boolean,
  sink: MapRowSink,
  onTile?: (done: number, analysed: number, total: number) => void,
): Promise<MapRun> {
  const plan = planTiles(grid.width, grid.height, s.tile, s.overlap);
  const stitcher = new MapStitcher(grid.width, grid.height, s.factor, plan.rows[0][0].height, sink);
  const run = await runTiles(
    slide,
    model,
    grid,
    plan,
    stitcher,
    isTissue,
    s.readAhead === true,
    onTile,
  );
  await stitcher.finish();
  const probabilities = run.analysed === 0 ? null : Array.from(run.sums, (v) => v / run.analysed);
  return {
    analysed: run.analysed,
    total: run.total,
    votes: run.votes,
    seconds: run.seconds,
    probabilities,
    rule: `the class with the highest mean probability over the ${run.analysed} analysed tiles`,
    method: "per-tile",
    detail: "each tile's own map from predict(), normalised over the tile, cross-faded over " +
      "the overlaps; the mask is limited to the tissue found on the thumbnail",
    margin: null,
  };
}
