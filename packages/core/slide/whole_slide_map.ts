/**
 * The map whole-image inference would give a slide, from its stitched class
 * maps: the image-level steps of `class_maps.ts` over the whole slide.
 * WILDCAT's top-k mean pools each class map over every computed cell (k from
 * their number), the softmax of the scores weights the classes into M+, M+
 * is upsampled bilinearly to the padded analysis grid as the model upsamples
 * it, its min and max over the whole padded grid normalise it, and R+ (or
 * the WILDCAT baseline's normalised map) is streamed out row by row, cropped
 * to the slide as `predict` crops, averaged over `factor` x `factor` blocks.
 *
 * Nothing of slide size is held: the min and max come from the rows and
 * columns where a bilinear map can reach them (`extremeSamples`), and each
 * row is computed when it is emitted. A pixel is covered when every cell it
 * is interpolated from was computed; uncovered pixels (glass tiles that were
 * skipped) are left out of the min and max and of the map.
 *
 * @example
 * ```ts ignore
 * const summary = await emitWholeSlideMap(mosaic, head, plan, 4, (y, values, covered) => {});
 * ```
 * @module
 */
import {
  blendColumns,
  blendRows,
  classWeights,
  type MapHead,
  mapValueFn,
  weightedMap,
  wildcatScores,
} from "../model/class_maps.ts";
import { axisTaps, extremeSamples } from "../model/upsample_taps.ts";
import type { ClassMapMosaic } from "./class_map_mosaic.ts";
import type { GridPlan } from "./grid_tiles.ts";
import type { MapRowSink } from "./stitcher.ts";

/** The slide-level quantities of a whole-slide map. */
export interface WholeSlideMap {
  /** The localizer's WILDCAT scores over the slide, and their softmax. */
  scores: number[];
  probabilities: number[];
  /** k of the top-k mean, and the cells it was taken over. */
  k: number;
  cells: number;
  /** Min and max of the upsampled M+ over the covered padded grid. */
  lo: number;
  hi: number;
}

type Taps = ReturnType<typeof axisTaps>;

/** Coverage of one padded row at the cells' columns: both rows' cells computed (where weighted). */
function rowCoverage(m: ClassMapMosaic, rows: Taps, y: number, out: Uint8Array): void {
  const a = rows.i0[y] * m.width, b = rows.i1[y] * m.width, both = rows.frac[y] !== 0;
  for (let x = 0; x < m.width; x++) {
    out[x] = m.computed[a + x] & (both ? m.computed[b + x] : 1);
  }
}

function pixelCovered(rowCov: Uint8Array, cols: Taps, p: number): boolean {
  return rowCov[cols.i0[p]] === 1 && (cols.frac[p] === 0 || rowCov[cols.i1[p]] === 1);
}

/** Min and max of the upsampled M+ over covered pixels, on the extreme rows and columns. */
function range(m: ClassMapMosaic, mPlus: Float32Array, rows: Taps, cols: Taps): [number, number] {
  const er = extremeSamples(rows), ec = extremeSamples(cols);
  const cellRow = new Float32Array(m.width), cov = new Uint8Array(m.width);
  const one = new Float32Array(1);
  let lo = Infinity, hi = -Infinity;
  for (const y of er) {
    blendRows(mPlus, m.width, rows.i0[y], rows.i1[y], rows.frac[y], cellRow);
    rowCoverage(m, rows, y, cov);
    for (const x of ec) {
      if (!pixelCovered(cov, cols, x)) continue;
      blendColumns(cellRow, cols, one, x, x + 1);
      lo = Math.min(lo, one[0]);
      hi = Math.max(hi, one[0]);
    }
  }
  return [lo, hi];
}

/**
 * Pools the slide's class maps, then streams its map, cropped to the
 * `plan`'s analysis grid and averaged over `factor` x `factor` blocks, to
 * `sink`, row by row. Returns null (every row uncovered) when no cell was
 * computed.
 */
export async function emitWholeSlideMap(
  mosaic: ClassMapMosaic,
  head: MapHead,
  plan: GridPlan,
  factor: number,
  sink: MapRowSink,
): Promise<WholeSlideMap | null> {
  const W = plan.width, H = plan.height;
  const mapW = Math.ceil(W / factor), mapH = Math.ceil(H / factor);
  const all = mosaic.count === mosaic.computed.length;
  const { scores, k } = wildcatScores(mosaic, head.kmax, all ? undefined : mosaic.computed);
  if (k === 0) {
    for (let y = 0; y < mapH; y++) await sink(y, new Float32Array(mapW), new Uint8Array(mapW));
    return null;
  }
  const probabilities = classWeights(scores);
  const mPlus = weightedMap(mosaic, probabilities);
  const rows = axisTaps(plan.paddedHeight, mosaic.height, head.upsample, mosaic.stride);
  const cols = axisTaps(plan.paddedWidth, mosaic.width, head.upsample, mosaic.stride);
  const [lo, hi] = range(mosaic, mPlus, rows, cols);
  const value = mapValueFn(lo, hi, head.output);

  const cellRow = new Float32Array(mosaic.width), cov = new Uint8Array(mosaic.width);
  const pixels = new Float32Array(W);
  const sum = new Float32Array(mapW), count = new Float32Array(mapW);
  const values = new Float32Array(mapW), covered = new Uint8Array(mapW);
  for (let y = 0; y < H; y++) {
    const py = y + plan.crop.top;
    blendRows(mPlus, mosaic.width, rows.i0[py], rows.i1[py], rows.frac[py], cellRow);
    rowCoverage(mosaic, rows, py, cov);
    blendColumns(cellRow, cols, pixels, plan.crop.left, plan.crop.left + W);
    for (let x = 0; x < W; x++) {
      if (!all && !pixelCovered(cov, cols, x + plan.crop.left)) continue;
      const mx = Math.floor(x / factor);
      sum[mx] += value(pixels[x]);
      count[mx]++;
    }
    if ((y + 1) % factor === 0 || y === H - 1) {
      for (let x = 0; x < mapW; x++) {
        covered[x] = count[x] > 0 ? 1 : 0;
        values[x] = count[x] > 0 ? sum[x] / count[x] : 0;
      }
      await sink(Math.floor(y / factor), values, covered);
      sum.fill(0);
      count.fill(0);
    }
  }
  return { scores, probabilities, k, cells: mosaic.count, lo, hi };
}
