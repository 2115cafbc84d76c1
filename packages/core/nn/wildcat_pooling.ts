/**
 * WILDCAT decision pooling as the reference computes it: each class score is
 * the mean of the k highest values of its map, with dropout applied after
 * selection (train only). The reference's kmin/alpha term is dead code
 * (its result is discarded), so it is not implemented.
 *
 * tfjs has no gradient for TopK, so the top-k indices are found without a
 * gradient and turned into a one-hot selection; the score is then a
 * differentiable weighted sum, with gradient 1/k (or 0 and 1/(k(1-p))
 * under dropout) on exactly the k selected cells.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { tf } from "../backend/tf.ts";
 * import { topK, wildcatPooling } from "./wildcat_pooling.ts";
 * assert.equal(topK(0.09, 15 * 15), 20);
 * // One class, four cells; kmax 0.5 keeps the two highest: (4 + 3) / 2.
 * const maps = tf.tensor4d([1, 4, 3, 2], [1, 2, 2, 1]);
 * const scores = wildcatPooling(maps, { kmax: 0.5, dropout: 0 }, { training: false });
 * assert.deepEqual(Array.from(await scores.data()), [3.5]);
 * tf.dispose([maps, scores]);
 * ```
 * @module
 */
import { tf } from "../backend/tf.ts";
import type { ForwardContext } from "./module.ts";
import { stopGradient } from "./stop_gradient.ts";

/** Python's round(): half to even. */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * The reference's `get_k`: a fraction (kmax < 1) becomes round(kmax * n) with
 * Python rounding; an integer is capped at n. Deliberate difference: k is at
 * least 1, where the reference would divide by zero on maps with fewer than
 * about 1/(2*kmax) cells.
 *
 * @param kmax a fraction of the cells, or a count.
 * @param n the number of cells.
 * @returns k, at least 1.
 * @throws {Error} for kmax <= 0.
 */
export function topK(kmax: number, n: number): number {
  if (!(kmax > 0)) throw new Error(`kmax must be > 0, got ${kmax}`);
  const k = kmax < 1 ? roundHalfEven(kmax * n) : kmax === 1 ? n : Math.min(Math.floor(kmax), n);
  return Math.max(1, k);
}

/** Pooling settings. */
export interface WildcatPoolingOptions {
  kmax: number;
  /** Drop probability of selected cells in train mode. */
  dropout: number;
}

/**
 * Class maps [N,H,W,C] to class scores [N,C].
 *
 * @param maps class maps [N,H,W,C].
 * @param o kmax and dropout.
 * @param ctx train or eval mode, and the dropout's rng.
 * @returns class scores [N,C].
 * @throws {Error} for dropout in train mode without an rng.
 */
export function wildcatPooling(
  maps: tf.Tensor4D,
  o: WildcatPoolingOptions,
  ctx: ForwardContext,
): tf.Tensor2D {
  const [n, h, w, c] = maps.shape;
  const cells = h * w;
  const k = topK(o.kmax, cells);
  const flat = tf.transpose(tf.reshape(maps, [n, cells, c]), [0, 2, 1]) as tf.Tensor3D;
  let dropMask: tf.Tensor | null = null;
  if (ctx.training && o.dropout > 0) {
    if (ctx.rng === undefined) throw new Error("WILDCAT dropout in train mode needs an rng");
    const keep = 1 - o.dropout;
    const mask = new Float32Array(n * c * k);
    for (let i = 0; i < mask.length; i++) mask[i] = ctx.rng.next() < keep ? 1 / keep : 0;
    dropMask = tf.tensor(mask, [n, c, k]);
  }
  let select: tf.Tensor; // [n, c, cells] weight of each cell in the score
  if (k === cells) {
    // Every cell is selected; rank order does not matter for the mean.
    select = dropMask ?? tf.ones([n, c, cells]);
  } else {
    const { indices } = tf.topk(stopGradient(flat), k);
    let oneHot = tf.cast(tf.oneHot(indices, cells), "float32"); // [n,c,k,cells]
    if (dropMask !== null) oneHot = tf.mul(oneHot, tf.expandDims(dropMask, -1));
    select = tf.sum(oneHot, 2);
  }
  const weights = stopGradient(select);
  return tf.div(tf.sum(tf.mul(flat, weights), -1), k) as tf.Tensor2D;
}
