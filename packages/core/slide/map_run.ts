/**
 * What the tiles of a slide gave, whichever way its map was made (the
 * whole-slide map from class maps, or the per-tile blend of `predict()`
 * maps), for the summary.
 *
 * @example
 * ```ts ignore
 * const run: MapRun = await wholeSlideMap(slide, model, grid, settings, isTissue, sink);
 * run.method; // "whole-slide"
 * ```
 * @module
 */

/** What a slide's tiles gave, whichever way the map was made. */
export interface MapRun {
  analysed: number;
  total: number;
  /** Per class, the tiles that pick it. */
  votes: number[];
  seconds: { read: number; model: number; stitch: number };
  /** The slide's class probabilities (null when no tile was analysed). */
  probabilities: number[] | null;
  /** How the slide's class is chosen. */
  rule: string;
  /** How the map was made: `whole-slide` or `per-tile`. */
  method: "whole-slide" | "per-tile";
  /** What the map is, in a sentence, for the summary. */
  detail: string;
  /** Tiles per batch through the network [1]. */
  batch?: number;
  /** Worker threads that decoded tiles ahead of the model [0]. */
  decodeWorkers?: number;
  /** The least distance of a cell from an inner tile edge of the tile it comes from (whole-slide). */
  margin: number | null;
}

/** Tiling and map settings. */
export interface TileSettings {
  tile: number;
  overlap: number;
  factor: number;
  /** Tiles per batch through the network (whole-slide map only) [1]. */
  batch?: number;
  /**
   * Read the next batch (per-tile: the next tile) while the model runs, where tiles decode off
   * the main thread [false].
   */
  readAhead?: boolean;
}
