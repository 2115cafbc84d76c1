/**
 * A binary image packed 8 pixels to the byte: a slide mask at map
 * resolution for contour tracing costs an eighth of a byte per pixel.
 *
 * @example
 * ```ts
 * import { BitGrid } from "./bit_grid.ts";
 * const g = new BitGrid(10, 2);
 * g.set(9, 1);
 * [g.get(9, 1), g.get(0, 0), g.get(-1, 0)]; // [1, 0, 0]
 * ```
 * @module
 */

/** A packed binary image; pixels outside it read as 0. */
export class BitGrid {
  readonly bits: Uint8Array;
  readonly stride: number;

  constructor(readonly width: number, readonly height: number) {
    this.stride = Math.ceil(width / 8);
    this.bits = new Uint8Array(this.stride * height);
  }

  /** A grid from a 0/1 (or 0/non-zero) row-major array. */
  static from(width: number, height: number, data: ArrayLike<number>): BitGrid {
    const g = new BitGrid(width, height);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) if (data[y * width + x]) g.set(x, y);
    }
    return g;
  }

  /** 1 when (x, y) is set; 0 outside the grid. */
  get(x: number, y: number): number {
    if (x < 0 || y < 0 || x >= this.width || y >= this.height) return 0;
    return (this.bits[y * this.stride + (x >> 3)] >> (x & 7)) & 1;
  }

  /** Sets (x, y). */
  set(x: number, y: number): void {
    this.bits[y * this.stride + (x >> 3)] |= 1 << (x & 7);
  }

  /** True when row `y` (in or out of the grid) has no pixel set. */
  rowEmpty(y: number): boolean {
    if (y < 0 || y >= this.height) return true;
    const from = y * this.stride;
    for (let i = from; i < from + this.stride; i++) if (this.bits[i] !== 0) return false;
    return true;
  }

  /** Number of pixels set. */
  count(): number {
    let n = 0;
    for (let i = 0; i < this.bits.length; i++) {
      let b = this.bits[i];
      while (b) b &= b - 1, n++;
    }
    return n;
  }
}
