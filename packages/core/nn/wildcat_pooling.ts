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
import { classWisePooling } from "./class_wise_pooling.ts";
import { fusedWildcatPool, hasKernel, WILDCAT_MAX_CELLS, WILDCAT_POOL } from "../backend/fused.ts";
import { topK } from "./top_k.ts";

export { roundHalfEven, topK } from "./top_k.ts";

/** Pooling settings. */
export interface WildcatPoolingOptions {
  kmax: number;
  /** Drop probability of selected cells in train mode. */
  dropout: number;
}

/**
 * The dropout factors of the k selected cells of each image and class,
 * [n*c*k] (0 or 1/(1-p)), drawn from `ctx.rng` in train mode with dropout;
 * null otherwise.
 */
export function dropoutFactors(
  n: number,
  c: number,
  k: number,
  o: WildcatPoolingOptions,
  ctx: ForwardContext,
): Float32Array | null {
  if (!ctx.training || !(o.dropout > 0)) return null;
  if (ctx.rng === undefined) throw new Error("WILDCAT dropout in train mode needs an rng");
  const keep = 1 - o.dropout;
  const mask = new Float32Array(n * c * k);
  for (let i = 0; i < mask.length; i++) mask[i] = ctx.rng.next() < keep ? 1 / keep : 0;
  return mask;
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
  const drop = dropoutFactors(n, c, k, o, ctx);
  const dropMask: tf.Tensor | null = drop === null ? null : tf.tensor(drop, [n, c, k]);
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

/**
 * A WILDCAT head's pooling: class-wise pooling of the C*M modality maps
 * [N,H,W,C*M] to class maps, then {@link wildcatPooling} to scores. One
 * fused kernel each way where the backend registers it (webgpu; maps of up
 * to `WILDCAT_MAX_CELLS` cells), drawing the same dropout factors; else
 * exactly the two composed ops.
 */
export function wildcatHeadPooling(
  modalityMaps: tf.Tensor4D,
  classes: number,
  modalities: number,
  o: WildcatPoolingOptions,
  ctx: ForwardContext,
): { scores: tf.Tensor2D; maps: tf.Tensor4D } {
  const [n, h, w] = modalityMaps.shape;
  if (!hasKernel(WILDCAT_POOL) || h * w > WILDCAT_MAX_CELLS) {
    const maps = classWisePooling(modalityMaps, classes, modalities);
    return { scores: wildcatPooling(maps, o, ctx), maps };
  }
  const k = topK(o.kmax, h * w);
  const drop = dropoutFactors(n, classes, k, o, ctx);
  return fusedWildcatPool(modalityMaps, classes, modalities, k, drop);
}
