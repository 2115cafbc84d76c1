/**
 * MaxBoxAccV2 as wsolevaluation defines it (Choe et al., CVPR 2020,
 * `evaluation.py`: `compute_bboxes_from_scoremaps` with
 * `multi_contour_eval=True`, `BoxEvaluator`, and the mean over IoU
 * thresholds 30, 50 and 70 that `multi_iou_eval` takes):
 *
 * 1. The map becomes 8-bit: `uint8(score * 255)` (truncated).
 * 2. At each threshold t of 0, 0.01, ..., 0.99 the pixels above
 *    `int(t * max)` (max of the 8-bit map) are foreground.
 * 3. Every contour that OpenCV's `findContours(RETR_TREE)` finds gives a
 *    box: one outer border per 8-connected foreground component, one hole
 *    border per 4-connected background component that the foreground
 *    encloses. `boundingRect` (x, y, w, h) becomes `[x, y, min(x + w, W - 1),
 *    min(y + h, H - 1)]`, wsolevaluation's own (off by one) rule. A hole's
 *    border runs over the foreground pixels around it, so its rectangle is
 *    the hole's grown by one pixel on each side. No foreground: the single
 *    box [0, 0, 0, 0].
 * 4. The image's IoU at t is the best IoU between any of those boxes and
 *    any ground-truth box, with wsolevaluation's inclusive areas
 *    ((x1 - x0 + 1) * (y1 - y0 + 1)); a degenerate union gives 0.
 * 5. BoxAcc at IoU threshold d and map threshold t is the share of images
 *    whose IoU at t is >= d / 100; MaxBoxAcc(d) is its maximum over t, and
 *    MaxBoxAccV2 the mean of MaxBoxAcc(30), (50) and (70).
 *
 * The contours are found here by run-based connected-component labelling,
 * which yields exactly the bounding rectangles of OpenCV's borders (OpenCV
 * pads the image with a zero border first, so components touching the edge
 * are closed by it, and holes never touch it).
 *
 * Deliberate differences: wsolevaluation resizes every map to 224x224 and
 * rescales the ground-truth boxes to it; here both stay at the image's own
 * size. Ground-truth boxes come from masks when a dataset has no boxes: one
 * box per 8-connected foreground component ({@link boxesFromMask}).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { BoxAccuracyAccumulator } from "./box_accuracy.ts";
 * const acc = new BoxAccuracyAccumulator();
 * const map = new Float32Array(16); // 4x4, bright 2x2 block at (1, 1)
 * for (const i of [5, 6, 9, 10]) map[i] = 1;
 * acc.add(map, 4, 4, [[1, 1, 2, 2]]);
 * // The block's box is [1, 1, 3, 3] by the x + w rule: IoU 4/9 with [1, 1, 2, 2],
 * // so the image counts at IoU 30 only: one of three thresholds.
 * assert.ok(Math.abs(acc.compute().maxBoxAccV2 - 100 / 3) < 1e-9);
 * ```
 * @module
 */
import { thresholdGrid } from "./pxap.ts";

/** A box [x0, y0, x1, y1], wsolevaluation's x0y0x1y1 convention (inclusive). */
export type Box = [number, number, number, number];

/** The IoU thresholds of MaxBoxAccV2, in percent. */
export const IOU_THRESHOLDS = [30, 50, 70] as const;

/** The outcome of {@link BoxAccuracyAccumulator.compute}, in percent. */
export interface BoxAccuracy {
  /** MaxBoxAcc at each IoU threshold of {@link IOU_THRESHOLDS}. */
  maxBoxAcc: Record<30 | 50 | 70, number>;
  /** The map threshold reaching each. */
  bestThreshold: Record<30 | 50 | 70, number>;
  /** Mean of the three. */
  maxBoxAccV2: number;
  images: number;
}

/**
 * wsolevaluation's `calculate_multiple_iou` for one pair of boxes.
 *
 * @param a a box, [x0, y0, x1, y1] inclusive.
 * @param b another.
 * @returns their IoU.
 */
export function boxIou(a: Box, b: Box): number {
  const w = Math.max(0, Math.min(a[2], b[2]) - Math.max(a[0], b[0]) + 1);
  const h = Math.max(0, Math.min(a[3], b[3]) - Math.max(a[1], b[1]) + 1);
  const inter = w * h;
  const areaA = (a[2] - a[0] + 1) * (a[3] - a[1] + 1);
  const areaB = (b[2] - b[0] + 1) * (b[3] - b[1] + 1);
  const union = areaA + areaB - inter;
  return union <= 0 ? 0 : inter / union;
}

/** Extents of labelled runs, merged through a union-find over run indices. */
class Runs {
  parent: Int32Array;
  minX: Int32Array;
  maxX: Int32Array;
  minY: Int32Array;
  maxY: Int32Array;
  edge: Uint8Array;
  count = 0;

  constructor(capacity: number) {
    this.parent = new Int32Array(capacity);
    this.minX = new Int32Array(capacity);
    this.maxX = new Int32Array(capacity);
    this.minY = new Int32Array(capacity);
    this.maxY = new Int32Array(capacity);
    this.edge = new Uint8Array(capacity);
  }

  add(x0: number, x1: number, y: number, edge: boolean): number {
    const i = this.count++;
    this.parent[i] = i;
    this.minX[i] = x0;
    this.maxX[i] = x1;
    this.minY[i] = this.maxY[i] = y;
    this.edge[i] = edge ? 1 : 0;
    return i;
  }

  find(i: number): number {
    while (this.parent[i] !== i) i = this.parent[i] = this.parent[this.parent[i]];
    return i;
  }

  union(a: number, b: number): void {
    a = this.find(a);
    b = this.find(b);
    if (a === b) return;
    if (b < a) [a, b] = [b, a];
    this.parent[b] = a;
    this.minX[a] = Math.min(this.minX[a], this.minX[b]);
    this.maxX[a] = Math.max(this.maxX[a], this.maxX[b]);
    this.minY[a] = Math.min(this.minY[a], this.minY[b]);
    this.maxY[a] = Math.max(this.maxY[a], this.maxY[b]);
    this.edge[a] |= this.edge[b];
  }
}

/**
 * The boxes of every contour of `binary` (1 = foreground), as
 * wsolevaluation turns OpenCV's `findContours(RETR_TREE)` and
 * `boundingRect` into boxes; `[[0, 0, 0, 0]]` when nothing is foreground.
 *
 * @param binary the thresholded map, row-major.
 * @param width its width.
 * @param height its height.
 */
export function contourBoxes(binary: ArrayLike<number>, width: number, height: number): Box[] {
  if (binary.length !== width * height) {
    throw new Error(
      `a ${width}x${height} map needs ${width * height} values, got ${binary.length}`,
    );
  }
  // At most (width + 1) / 2 runs of each kind per row.
  const cap = height * (((width + 1) >> 1) + 1);
  const fg = new Runs(cap);
  const bg = new Runs(cap);
  // Runs of the previous and current row: [x0, x1, id] triples, foreground and background.
  let prevFg: number[] = [];
  let prevBg: number[] = [];
  for (let y = 0; y < height; y++) {
    const curFg: number[] = [];
    const curBg: number[] = [];
    const row = y * width;
    let x = 0;
    while (x < width) {
      const on = binary[row + x] ? 1 : 0;
      const x0 = x;
      while (x < width && (binary[row + x] ? 1 : 0) === on) x++;
      const x1 = x - 1;
      if (on) curFg.push(x0, x1, fg.add(x0, x1, y, false));
      else {
        const edge = y === 0 || y === height - 1 || x0 === 0 || x1 === width - 1;
        curBg.push(x0, x1, bg.add(x0, x1, y, edge));
      }
    }
    // Foreground joins 8-connected runs (reach one pixel diagonally), background 4-connected.
    link(fg, prevFg, curFg, 1);
    link(bg, prevBg, curBg, 0);
    prevFg = curFg;
    prevBg = curBg;
  }
  const boxes: Box[] = [];
  for (let i = 0; i < fg.count; i++) {
    if (fg.find(i) !== i) continue;
    boxes.push([
      fg.minX[i],
      fg.minY[i],
      Math.min(fg.maxX[i] + 1, width - 1),
      Math.min(fg.maxY[i] + 1, height - 1),
    ]);
  }
  for (let i = 0; i < bg.count; i++) {
    if (bg.find(i) !== i || bg.edge[i]) continue;
    // The hole's border lies on the foreground around it: one pixel further on each side.
    boxes.push([
      bg.minX[i] - 1,
      bg.minY[i] - 1,
      Math.min(bg.maxX[i] + 2, width - 1),
      Math.min(bg.maxY[i] + 2, height - 1),
    ]);
  }
  return boxes.length > 0 ? boxes : [[0, 0, 0, 0]];
}

/** Unites the runs of two consecutive rows that touch (`reach` 1: diagonally too). */
function link(runs: Runs, prev: number[], cur: number[], reach: number): void {
  let j = 0;
  for (let i = 0; i < cur.length; i += 3) {
    const a0 = cur[i] - reach;
    const a1 = cur[i + 1] + reach;
    while (j < prev.length && prev[j + 1] < a0) j += 3;
    for (let k = j; k < prev.length && prev[k] <= a1; k += 3) runs.union(cur[i + 2], prev[k + 2]);
  }
}

/**
 * Ground-truth boxes of a mask: one per 8-connected foreground component, inclusive.
 *
 * @param mask the ground truth, row-major.
 * @param width its width.
 * @param height its height.
 */
export function boxesFromMask(mask: ArrayLike<number>, width: number, height: number): Box[] {
  if (mask.length !== width * height) {
    throw new Error(`a ${width}x${height} mask needs ${width * height} values, got ${mask.length}`);
  }
  const runs = new Runs(height * (((width + 1) >> 1) + 1));
  let prev: number[] = [];
  for (let y = 0; y < height; y++) {
    const cur: number[] = [];
    let x = 0;
    while (x < width) {
      if (!mask[y * width + x]) {
        x++;
        continue;
      }
      const x0 = x;
      while (x < width && mask[y * width + x]) x++;
      cur.push(x0, x - 1, runs.add(x0, x - 1, y, false));
    }
    link(runs, prev, cur, 1);
    prev = cur;
  }
  const out: Box[] = [];
  for (let i = 0; i < runs.count; i++) {
    if (runs.find(i) === i) out.push([runs.minX[i], runs.minY[i], runs.maxX[i], runs.maxY[i]]);
  }
  return out;
}

/**
 * The best IoU of an image at each map threshold, as wsolevaluation's BoxEvaluator takes it.
 *
 * @param scores the map, in [0, 1], row-major.
 * @param width its width.
 * @param height its height.
 * @param gt the ground-truth boxes.
 * @param thresholds the map thresholds.
 * @returns one IoU per threshold.
 */
export function bestIouPerThreshold(
  scores: ArrayLike<number>,
  width: number,
  height: number,
  gt: Box[],
  thresholds: readonly number[] = thresholdGrid(),
): Float64Array {
  const n = width * height;
  if (scores.length !== n) {
    throw new Error(`a ${width}x${height} map needs ${n} values, got ${scores.length}`);
  }
  if (gt.length === 0) throw new Error("an image without ground-truth boxes");
  const image = new Uint8Array(n);
  let max = 0;
  for (let i = 0; i < n; i++) {
    const v = scores[i];
    if (!(v >= 0 && v <= 1)) throw new Error(`score ${v} is outside [0, 1]`);
    image[i] = Math.trunc(v * 255); // numpy's astype(np.uint8) of a value in [0, 255]
    if (image[i] > max) max = image[i];
  }
  const out = new Float64Array(thresholds.length);
  const byCut = new Map<number, number>();
  const binary = new Uint8Array(n);
  thresholds.forEach((t, k) => {
    const cut = Math.trunc(t * max);
    let best = byCut.get(cut);
    if (best === undefined) {
      for (let i = 0; i < n; i++) binary[i] = image[i] > cut ? 1 : 0;
      best = 0;
      for (const box of contourBoxes(binary, width, height)) {
        for (const g of gt) best = Math.max(best, boxIou(box, g));
      }
      byCut.set(cut, best);
    }
    out[k] = best;
  });
  return out;
}

/** Accumulates images into MaxBoxAccV2. */
export class BoxAccuracyAccumulator {
  readonly thresholds: number[];
  readonly #correct = new Map<number, Float64Array>();
  #images = 0;

  /**
   * @param interval the spacing of the map thresholds.
   */
  constructor(interval = 0.01) {
    this.thresholds = thresholdGrid(interval);
    for (const d of IOU_THRESHOLDS) this.#correct.set(d, new Float64Array(this.thresholds.length));
  }

  /**
   * Adds an image's score map (in [0, 1], row-major) and its ground-truth boxes.
   *
   * @param scores the map, in [0, 1], row-major.
   * @param width its width.
   * @param height its height.
   * @param gt the ground-truth boxes.
   */
  add(scores: ArrayLike<number>, width: number, height: number, gt: Box[]): void {
    const best = bestIouPerThreshold(scores, width, height, gt, this.thresholds);
    for (const d of IOU_THRESHOLDS) {
      const counts = this.#correct.get(d)!;
      for (let k = 0; k < best.length; k++) if (best[k] >= d / 100) counts[k]++;
    }
    this.#images++;
  }

  /**
   * MaxBoxAcc at 30, 50, 70 and their mean; throws when no image was added.
   *
   * @returns the box accuracies, in percent, and their best thresholds.
   */
  compute(): BoxAccuracy {
    if (this.#images === 0) throw new Error("no images with ground-truth boxes were added");
    const maxBoxAcc = {} as Record<30 | 50 | 70, number>;
    const bestThreshold = {} as Record<30 | 50 | 70, number>;
    for (const d of IOU_THRESHOLDS) {
      const counts = this.#correct.get(d)!;
      let k = 0;
      for (let j = 1; j < counts.length; j++) if (counts[j] > counts[k]) k = j;
      maxBoxAcc[d] = (counts[k] * 100) / this.#images;
      bestThreshold[d] = this.thresholds[k];
    }
    const maxBoxAccV2 = IOU_THRESHOLDS.reduce((s, d) => s + maxBoxAcc[d], 0) /
      IOU_THRESHOLDS.length;
    return { maxBoxAcc, bestThreshold, maxBoxAccV2, images: this.#images };
  }
}
