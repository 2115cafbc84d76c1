/**
 * `stopGradient`, which tfjs lacks. It returns a new tensor on the same data
 * that the gradient tape never saw, so no gradient flows back through it and
 * nothing upstream is differentiated (a zero-gradient op would still make the
 * engine walk, and fail on, ops such as TopK that have no gradient).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { tf } from "../backend/tf.ts";
 * import { stopGradient } from "./stop_gradient.ts";
 * // d/dx of stop(x) * x is stop(x) = x: the stopped factor counts as a constant.
 * const g = tf.grad((x: tf.Tensor) => tf.sum(tf.mul(stopGradient(x), x)));
 * assert.deepEqual(Array.from(await g(tf.tensor1d([3])).data()), [3]);
 * ```
 * @module
 */
import { tf } from "../backend/tf.ts";

/**
 * The same values as `x`, cut from the gradient tape. No data is copied: the
 * new tensor holds its own reference to x's data on the active backend.
 *
 * @param x the tensor.
 * @returns a tensor with its values and no gradient.
 */
export function stopGradient<T extends tf.Tensor>(x: T): T {
  const engine = tf.engine();
  const out = engine.makeTensorFromTensorInfo({
    dataId: x.dataId,
    shape: x.shape,
    dtype: x.dtype,
  }) as T;
  (engine.backend as unknown as { incRef(dataId: tf.DataId): void }).incRef(x.dataId);
  return out;
}
