/**
 * Stitches tile maps into one continuous map, streaming: each tile's values,
 * weighted by its blending window, are summed into a band of map rows, and
 * rows no later tile can reach are handed on (value = weighted sum / sum of
 * weights) and forgotten. Memory is one band: the map's width times a tile's
 * height in map rows, whatever the slide's height. The map may be coarser
 * than the analysis grid by an integer factor: a map pixel averages the
 * factor x factor analysis pixels it covers.
 *
 * @example
 * ```ts
 * import { MapStitcher } from "./stitcher.ts";
 * const rows: number[][] = [];
 * const s = new MapStitcher(4, 2, 2, 4, (_y, v) => void rows.push([...v]));
 * const ones = new Float32Array(4).fill(1);
 * s.add(0, 0, 2, 2, Float32Array.of(1, 1, 1, 1), ones.subarray(0, 2), ones.subarray(0, 2));
 * await s.finish();
 * rows; // [[1, 0]]
 * ```
 * @module
 */

/** Receives a finished map row: values, and 1 where a tile covered the pixel. */
export type MapRowSink = (
  y: number,
  values: Float32Array,
  covered: Uint8Array,
) => void | Promise<void>;

/** A band of the map, summed tile by tile and emitted row by row. */
export class MapStitcher {
  /** Map size. */
  readonly width: number;
  readonly height: number;
  readonly #acc: Float32Array;
  readonly #wsum: Float32Array;
  readonly #rows: number;
  /** Map row held in band row 0. */
  #first = 0;

  /**
   * @param gridWidth analysis grid width
   * @param gridHeight analysis grid height
   * @param factor analysis pixels per map pixel, along each axis
   * @param tileHeight the tallest tile, in analysis pixels (sizes the band)
   * @param sink where finished rows go, in order
   */
  constructor(
    gridWidth: number,
    gridHeight: number,
    readonly factor: number,
    tileHeight: number,
    readonly sink: MapRowSink,
  ) {
    if (!Number.isInteger(factor) || factor < 1) {
      throw new RangeError(`the map factor must be a whole number >= 1, got ${factor}`);
    }
    this.width = Math.ceil(gridWidth / factor);
    this.height = Math.ceil(gridHeight / factor);
    this.#rows = Math.ceil(tileHeight / factor) + 2;
    this.#acc = new Float32Array(this.width * this.#rows);
    this.#wsum = new Float32Array(this.width * this.#rows);
  }

  /** Bytes held by the band. */
  get bandBytes(): number {
    return this.#acc.byteLength + this.#wsum.byteLength;
  }

  /**
   * Adds a tile at (x, y) of the analysis grid: `values` row-major w x h,
   * weighted by wx[i] * wy[j]. Its rows must not have been emitted yet.
   */
  add(
    x: number,
    y: number,
    w: number,
    h: number,
    values: ArrayLike<number>,
    wx: Float32Array,
    wy: Float32Array,
  ): void {
    const f = this.factor;
    const top = Math.floor(y / f);
    const bottom = Math.floor((y + h - 1) / f);
    if (top < this.#first) throw new RangeError(`map row ${top} was already emitted`);
    if (bottom - this.#first >= this.#rows) {
      throw new RangeError(`the tile at y=${y} reaches past the band; emit rows first`);
    }
    const mx = new Int32Array(w);
    for (let i = 0; i < w; i++) mx[i] = Math.floor((x + i) / f);
    for (let j = 0; j < h; j++) {
      const base = (Math.floor((y + j) / f) - this.#first) * this.width;
      const wj = wy[j];
      for (let i = 0; i < w; i++) {
        const weight = wx[i] * wj;
        const k = base + mx[i];
        this.#acc[k] += weight * values[j * w + i];
        this.#wsum[k] += weight;
      }
    }
  }

  /** Emits every map row that tiles starting at analysis row `y` or below cannot reach. */
  async emitBefore(y: number): Promise<void> {
    await this.#emit(Math.min(this.height, Math.floor(y / this.factor)));
  }

  /** Emits the remaining rows. */
  async finish(): Promise<void> {
    await this.#emit(this.height);
  }

  async #emit(until: number): Promise<void> {
    const n = until - this.#first;
    if (n <= 0) return;
    const w = this.width;
    const values = new Float32Array(w);
    const covered = new Uint8Array(w);
    for (let r = 0; r < n; r++) {
      for (let i = 0; i < w; i++) {
        // Rows past the band were never reached by a tile.
        const s = r < this.#rows ? this.#wsum[r * w + i] : 0;
        covered[i] = s > 0 ? 1 : 0;
        values[i] = s > 0 ? this.#acc[r * w + i] / s : 0;
      }
      await this.sink(this.#first + r, values, covered);
    }
    // Keep the rows still open at the front of the band.
    const kept = Math.max(0, this.#rows - n) * w;
    this.#acc.copyWithin(0, Math.min(n, this.#rows) * w);
    this.#wsum.copyWithin(0, Math.min(n, this.#rows) * w);
    this.#acc.fill(0, kept);
    this.#wsum.fill(0, kept);
    this.#first = until;
  }
}
