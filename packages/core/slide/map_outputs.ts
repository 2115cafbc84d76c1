/**
 * What becomes of the stitched map, row by row as the stitcher hands rows
 * on: the binary mask (map >= threshold) packed for contour tracing and
 * streamed into the pyramidal TIFF, its pixel count, and a thumbnail-sized
 * heat map (mean of the map over each thumbnail pixel) with the fraction of
 * mask in each thumbnail pixel. Nothing here grows with the map's height
 * except the packed mask (one bit per map pixel).
 *
 * @example
 * ```ts
 * import { MapOutputs } from "./map_outputs.ts";
 * const out = new MapOutputs(2, 2, 0.5, { width: 1, height: 1 }, null);
 * await out.row(0, Float32Array.of(0.9, 0.1), Uint8Array.of(1, 1));
 * await out.row(1, Float32Array.of(0.9, 0.1), Uint8Array.of(1, 1));
 * [out.positives, out.heat()[0]]; // [2, 0.5]
 * ```
 * @module
 */
import { BitGrid } from "./bit_grid.ts";
import type { PyramidTiffWriter } from "./tiff_writer.ts";
import type { TissueMask } from "./tissue_mask.ts";

/** The tissue a mask is limited to, and the level-0 size of a map pixel. */
export interface MaskLimit {
  tissue: TissueMask;
  level0PerPixel: { x: number; y: number };
}

/** For each of `n` thumbnail cells over `m` map cells, the map cells [start, end) it averages. */
function spans(m: number, n: number): { start: Int32Array; end: Int32Array } {
  const start = new Int32Array(n), end = new Int32Array(n);
  const r = m / n;
  for (let i = 0; i < n; i++) {
    start[i] = Math.min(m - 1, Math.floor(i * r));
    end[i] = Math.max(start[i] + 1, Math.min(m, Math.floor((i + 1) * r)));
  }
  return { start, end };
}

/** Receives finished map rows and keeps what the outputs need. */
export class MapOutputs {
  readonly mask: BitGrid;
  positives = 0;
  // Float32 sums: a thumbnail pixel averages at most a few thousand map pixels in [0, 1].
  readonly #sum: Float32Array;
  readonly #pos: Float32Array;
  readonly #count: Float32Array;
  readonly #covered: Float32Array;
  /** The tissue-mask column of each map column (when the mask is limited to tissue). */
  readonly #tissueCol: Int32Array | null;
  readonly #cols: { start: Int32Array; end: Int32Array };
  readonly #rows: { start: Int32Array; end: Int32Array };
  readonly #bytes: Uint8Array;
  /** First thumbnail row whose span may still hold a coming map row. */
  #ty = 0;

  constructor(
    readonly width: number,
    readonly height: number,
    readonly threshold: number,
    readonly thumb: { width: number; height: number },
    readonly tiff: PyramidTiffWriter | null,
    readonly limit: MaskLimit | null = null,
  ) {
    this.mask = new BitGrid(width, height);
    const n = thumb.width * thumb.height;
    this.#sum = new Float32Array(n);
    this.#pos = new Float32Array(n);
    this.#count = new Float32Array(n);
    this.#covered = new Float32Array(n);
    this.#tissueCol = limit
      ? Int32Array.from({ length: width }, (_, x) =>
        Math.min(
          limit.tissue.width - 1,
          Math.floor(((x + 0.5) * limit.level0PerPixel.x) / limit.tissue.downsample.x),
        ))
      : null;
    this.#cols = spans(width, thumb.width);
    this.#rows = spans(height, thumb.height);
    this.#bytes = new Uint8Array(width);
  }

  /**
   * Takes map row `y`: values in [0, 1], and 1 where a tile covered the pixel.
   * A pixel is in the mask when covered, at or above the threshold, and (with a
   * limit) on tissue.
   */
  async row(y: number, values: Float32Array, covered: Uint8Array): Promise<void> {
    const w = this.width, bytes = this.#bytes, t = this.threshold;
    const lim = this.limit, cols = this.#tissueCol;
    const tissueRow = lim
      ? Math.min(
        lim.tissue.height - 1,
        Math.floor(((y + 0.5) * lim.level0PerPixel.y) / lim.tissue.downsample.y),
      ) * lim.tissue.width
      : 0;
    for (let x = 0; x < w; x++) {
      const on = covered[x] === 1 && values[x] >= t &&
        (cols === null || lim!.tissue.data[tissueRow + cols[x]] === 1);
      bytes[x] = on ? 255 : 0;
      if (on) this.mask.set(x, y), this.positives++;
    }
    const { start: rs, end: re } = this.#rows;
    const { start: cs, end: ce } = this.#cols;
    const sum = this.#sum, pos = this.#pos, count = this.#count, cov = this.#covered;
    const tw = this.thumb.width, th = this.thumb.height;
    // Thumbnail rows whose span holds map row y (several when the map is the coarser).
    while (this.#ty < th && re[this.#ty] <= y) this.#ty++;
    for (let ty = this.#ty; ty < th && rs[ty] <= y; ty++) {
      for (let tx = 0; tx < tw; tx++) {
        let s = 0, p = 0, c = 0;
        const a = cs[tx], b = ce[tx];
        for (let x = a; x < b; x++) s += values[x], p += bytes[x], c += covered[x];
        const i = ty * tw + tx;
        sum[i] += s;
        pos[i] += p / 255;
        cov[i] += c;
        count[i] += b - a;
      }
    }
    if (this.tiff) await this.tiff.addRows(bytes);
  }

  /** Mean of the map over each thumbnail pixel. */
  heat(): Float32Array {
    const sum = this.#sum, count = this.#count;
    const out = new Float32Array(sum.length);
    for (let i = 0; i < sum.length; i++) out[i] = count[i] > 0 ? sum[i] / count[i] : 0;
    return out;
  }

  /** 1 where a tile covered some of a thumbnail pixel's map pixels. */
  thumbCovered(): Uint8Array {
    const cov = this.#covered;
    const out = new Uint8Array(cov.length);
    for (let i = 0; i < cov.length; i++) out[i] = cov[i] > 0 ? 1 : 0;
    return out;
  }

  /** 1 where at least half of a thumbnail pixel's map pixels are in the mask. */
  thumbMask(): Uint8Array {
    const pos = this.#pos, count = this.#count;
    const out = new Uint8Array(pos.length);
    for (let i = 0; i < pos.length; i++) out[i] = count[i] > 0 && pos[i] >= 0.5 * count[i] ? 1 : 0;
    return out;
  }
}
