/**
 * The tiling of a slide for its whole-slide map, on the grid of the model's
 * class maps. Whole-image inference reflect-pads an image to multiples of 32
 * (`padForInference`) and computes one class map cell per `stride` pixels of
 * the padded image; so the slide is padded the same way (virtually: a tile
 * reads the reflected pixels it needs) and cut into tiles whose sides,
 * overlaps and positions are multiples of 32 on that padded grid. A tile's
 * cells then lie exactly where the whole image's cells lie.
 *
 * Each cell is taken from one tile: the one it lies deepest in. Neighbours
 * split their overlap at its middle (rounded down to the 32-pixel grid), so
 * every cell a tile gives lies at least `margin` pixels (half the overlap)
 * inside it, away from its inner edges, where the tile's own zero padding
 * changes what the network sees. A cell computed farther than the network's
 * reach (its receptive field) from a tile's inner edges equals the whole
 * image's cell.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { planGridTiles } from "./grid_tiles.ts";
 * const p = planGridTiles(1000, 700, 512, 128);
 * assert.deepEqual([p.paddedWidth, p.paddedHeight, p.pad.left, p.pad.top], [1024, 704, 12, 2]);
 * assert.deepEqual(p.rows[0].map((t) => [t.x, t.owned.x0, t.owned.x1]), [
 *   [0, 0, 448],
 *   [384, 448, 704],
 *   [512, 704, 1024],
 * ]);
 * assert.equal(p.margin, 64);
 * ```
 * @module
 */
import { cropStart, padAmounts, reflectIndex } from "../data/padding.ts";
import { tileStarts } from "./tiling.ts";

/** The alignment of tiles: whole-image inference pads to multiples of 32. */
export const GRID = 32;

/** One tile, in pixels of the padded analysis grid. */
export interface GridTile {
  index: number;
  row: number;
  col: number;
  x: number;
  y: number;
  width: number;
  height: number;
  /** The padded pixels whose cells this tile gives: [x0, x1) x [y0, y1), multiples of 32. */
  owned: { x0: number; x1: number; y0: number; y1: number };
}

/** Every tile of a slide's padded grid, row by row. */
export interface GridPlan {
  tile: number;
  overlap: number;
  /** The analysis grid's size. */
  width: number;
  height: number;
  /** The padded grid's size (multiples of 32). */
  paddedWidth: number;
  paddedHeight: number;
  /** Reflect padding before the slide's first column and row (`padAmounts`). */
  pad: { left: number; top: number };
  /** Padded pixel of analysis pixel (0, 0) in the map, by the reference's crop (`cropStart`). */
  crop: { left: number; top: number };
  rows: GridTile[][];
  count: number;
  /** The least distance, in pixels, from a tile's owned pixels to its inner edges. */
  margin: number;
}

/** Why a tiling cannot lie on the grid. */
export class GridTilingError extends RangeError {
  override name = "GridTilingError";
  constructor(readonly option: "tile" | "overlap", message: string) {
    super(message);
  }
}

/** Owned spans [b_i, b_{i+1}) of tiles starting at `starts`: overlaps split at the middle. */
function ownedSpans(starts: number[], tile: number, size: number): number[] {
  const bounds = [0];
  for (let i = 1; i < starts.length; i++) {
    const middle = (starts[i] + Math.min(starts[i - 1] + tile, size)) / 2;
    bounds.push(GRID * Math.floor(middle / GRID));
  }
  bounds.push(size);
  return bounds;
}

/** The tiles of a `width` x `height` analysis grid, on the padded 32-pixel grid. */
export function planGridTiles(
  width: number,
  height: number,
  tile: number,
  overlap: number,
): GridPlan {
  if (!(Number.isInteger(tile) && tile >= GRID && tile % GRID === 0)) {
    throw new GridTilingError("tile", `the tile must be a multiple of ${GRID}, got ${tile}`);
  }
  if (!(Number.isInteger(overlap) && overlap >= 0 && overlap % GRID === 0 && overlap < tile)) {
    throw new GridTilingError(
      "overlap",
      `the overlap must be a multiple of ${GRID} below the tile, got ${overlap}`,
    );
  }
  const [left] = padAmounts(width, GRID), [top] = padAmounts(height, GRID);
  const paddedWidth = Math.ceil(width / GRID) * GRID;
  const paddedHeight = Math.ceil(height / GRID) * GRID;
  const xs = tileStarts(paddedWidth, tile, overlap);
  const ys = tileStarts(paddedHeight, tile, overlap);
  const bx = ownedSpans(xs, tile, paddedWidth), by = ownedSpans(ys, tile, paddedHeight);
  const tw = Math.min(tile, paddedWidth), th = Math.min(tile, paddedHeight);
  let margin = Infinity;
  const inner = (starts: number[], bounds: number[], size: number, length: number) => {
    for (let i = 0; i < starts.length; i++) {
      if (i > 0) margin = Math.min(margin, bounds[i] - starts[i]);
      if (starts[i] + length < size) margin = Math.min(margin, starts[i] + length - bounds[i + 1]);
    }
  };
  inner(xs, bx, paddedWidth, tw);
  inner(ys, by, paddedHeight, th);
  let index = 0;
  const rows = ys.map((y, row) =>
    xs.map((x, col) => ({
      index: index++,
      row,
      col,
      x,
      y,
      width: tw,
      height: th,
      owned: { x0: bx[col], x1: bx[col + 1], y0: by[row], y1: by[row + 1] },
    }))
  );
  return {
    tile,
    overlap,
    width,
    height,
    paddedWidth,
    paddedHeight,
    pad: { left, top },
    crop: { left: cropStart(paddedWidth, width), top: cropStart(paddedHeight, height) },
    rows,
    count: index,
    margin: Number.isFinite(margin) ? margin : 0,
  };
}

/**
 * The analysis pixels a tile's padded span [start, start + length) reads:
 * for each padded pixel, its source along the axis (reflected at the
 * slide's edges as `padForInference` reflects), and the range of sources.
 */
export function tileSources(
  start: number,
  length: number,
  pad: number,
  size: number,
): { source: Int32Array; from: number; to: number } {
  const source = new Int32Array(length);
  let from = Infinity, to = -Infinity;
  for (let i = 0; i < length; i++) {
    const s = reflectIndex(start + i - pad, size);
    source[i] = s;
    from = Math.min(from, s);
    to = Math.max(to, s + 1);
  }
  return { source, from, to };
}
