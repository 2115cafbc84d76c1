/**
 * A slide's class maps, stitched from its tiles' class maps at the map grid:
 * each cell taken from the tile that owns it (`grid_tiles.ts`), and marked
 * as computed. Cells of skipped tiles (glass) stay uncomputed. It holds
 * classes x cells float32 values, 1/stride² of the slide's pixels per class
 * (for a 50,000² slide at stride 32, about 10 MB a class).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ClassMapMosaic } from "./class_map_mosaic.ts";
 * const m = new ClassMapMosaic(2, 64, 96, 32);
 * assert.deepEqual([m.height, m.width, m.maps.length], [2, 3, 12]);
 * ```
 * @module
 */
import type { ClassMaps } from "../model/class_maps.ts";
import type { GridTile } from "./grid_tiles.ts";

/** The stitched class maps of a slide's padded grid. */
export class ClassMapMosaic {
  /** Cells down and across. */
  readonly height: number;
  readonly width: number;
  /** Class-major values, as in `ClassMaps`. */
  readonly maps: Float32Array;
  /** 1 where a tile gave the cell. */
  readonly computed: Uint8Array;
  /** How many cells are computed. */
  count = 0;

  /**
   * @param classes the model's classes.
   * @param paddedHeight the padded grid's height in pixels.
   * @param paddedWidth its width.
   * @param stride pixels per cell (the model's output stride, dividing 32).
   */
  constructor(
    readonly classes: number,
    paddedHeight: number,
    paddedWidth: number,
    readonly stride: number,
  ) {
    if (!(Number.isInteger(stride) && stride > 0 && 32 % stride === 0)) {
      throw new RangeError(`the class maps' stride must divide 32, got ${stride}`);
    }
    this.height = paddedHeight / stride;
    this.width = paddedWidth / stride;
    this.maps = new Float32Array(classes * this.height * this.width);
    this.computed = new Uint8Array(this.height * this.width);
  }

  /** Copies the cells `tile` owns from its class maps. */
  add(tile: GridTile, cm: ClassMaps): void {
    if (
      cm.stride !== this.stride || cm.classes !== this.classes ||
      cm.inputWidth !== tile.width || cm.inputHeight !== tile.height
    ) {
      throw new Error(
        `the model gave ${cm.classes} class maps of ${cm.height}x${cm.width} cells at stride ` +
          `${cm.stride} for a ${tile.width}x${tile.height} tile; expected ${this.classes} at ` +
          `stride ${this.stride}`,
      );
    }
    const s = this.stride, o = tile.owned;
    const cells = this.height * this.width, tileCells = cm.height * cm.width;
    const ty = tile.y / s, tx = tile.x / s;
    for (let y = o.y0 / s; y < o.y1 / s; y++) {
      const x0 = o.x0 / s, x1 = o.x1 / s;
      for (let c = 0; c < this.classes; c++) {
        const from = c * tileCells + (y - ty) * cm.width - tx;
        this.maps.set(cm.maps.subarray(from + x0, from + x1), c * cells + y * this.width + x0);
      }
      for (let x = x0; x < x1; x++) {
        if (this.computed[y * this.width + x] === 0) this.count++;
        this.computed[y * this.width + x] = 1;
      }
    }
  }
}
