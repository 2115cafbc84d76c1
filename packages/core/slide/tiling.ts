/**
 * The tiling of a slide's analysis grid: square tiles that overlap by a
 * fixed margin, the last one of each row and column moved back so that it
 * ends on the edge (no tile hangs over it), and the blending window that
 * lets overlapping tiles fade into each other: weight 1 in a tile's core,
 * a linear ramp across each overlap shared with a neighbour, and weight 1 up
 * to the slide's own edges.
 *
 * @example
 * ```ts
 * import { tileStarts } from "./tiling.ts";
 * tileStarts(2500, 1024, 128); // [0, 896, 1476]
 * ```
 * @module
 */

/** Start positions of tiles of `tile` pixels overlapping by `overlap` along an axis of `size`. */
export function tileStarts(size: number, tile: number, overlap: number): number[] {
  if (!(tile > overlap && overlap >= 0)) {
    throw new RangeError(`the overlap (${overlap}) must be smaller than the tile (${tile})`);
  }
  if (size <= tile) return [0];
  const stride = tile - overlap;
  const starts: number[] = [];
  for (let s = 0; s + tile < size; s += stride) starts.push(s);
  starts.push(size - tile);
  return starts;
}

/** One tile of the plan, in analysis pixels. */
export interface Tile {
  /** Index in row-major order. */
  index: number;
  row: number;
  col: number;
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Every tile of a grid, row by row. */
export interface TilePlan {
  tile: number;
  overlap: number;
  xs: number[];
  ys: number[];
  rows: Tile[][];
  count: number;
}

/** The tiles covering a `width` x `height` grid. */
export function planTiles(width: number, height: number, tile: number, overlap: number): TilePlan {
  const xs = tileStarts(width, tile, overlap);
  const ys = tileStarts(height, tile, overlap);
  let index = 0;
  const rows = ys.map((y, row) =>
    xs.map((x, col) => ({
      index: index++,
      row,
      col,
      x,
      y,
      width: Math.min(tile, width),
      height: Math.min(tile, height),
    }))
  );
  return { tile, overlap, xs, ys, rows, count: index };
}

/**
 * Blending weights along one axis for a tile at `start` of `length` pixels on
 * an axis of `size`: a ramp (i + 0.5) / overlap over the first and last
 * `overlap` pixels where a neighbour overlaps, 1 elsewhere. Never 0, so every
 * pixel a tile covers keeps a value.
 */
export function blendWeights(
  start: number,
  length: number,
  size: number,
  overlap: number,
): Float32Array {
  const w = new Float32Array(length).fill(1);
  if (overlap === 0) return w;
  for (let i = 0; i < Math.min(overlap, length); i++) {
    const ramp = (i + 0.5) / overlap;
    if (start > 0) w[i] = Math.min(w[i], ramp);
    if (start + length < size) w[length - 1 - i] = Math.min(w[length - 1 - i], ramp);
  }
  return w;
}
