/**
 * Gradients of a loss with respect to every trainable weight of a model,
 * keyed by the weight's name (what `Sgd.step` takes).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { tf } from "../backend/tf.ts";
 * import { ParamStore } from "../nn/module.ts";
 * import { gradsOf } from "./grads.ts";
 * const store = new ParamStore();
 * const w = store.add("w", tf.tensor1d([3]));
 * store.add("unused", tf.tensor1d([1]));
 * const { loss, grads } = gradsOf({ store }, () => tf.sum(tf.square(w)) as tf.Scalar);
 * assert.equal((await loss.data())[0], 9);
 * assert.deepEqual([...grads.keys()], ["w"]); // d(w^2)/dw = 6; `unused` gets none
 * assert.deepEqual(Array.from(await grads.get("w")!.data()), [6]);
 * store.dispose();
 * ```
 * @module
 */
import { tf } from "../backend/tf.ts";
import type { ParamStore } from "../nn/module.ts";

/** Gradients by parameter name. */
export type Grads = Map<string, tf.Tensor>;

/** Computes `f` and its gradients; weights that `f` does not reach get none. */
export function gradsOf(
  net: { readonly store: ParamStore },
  f: () => tf.Scalar,
): { loss: tf.Scalar; grads: Grads } {
  const names = net.store.trainableNames();
  const vars = names.map((n) => net.store.get(n));
  const { value, grads } = tf.variableGrads(f, vars);
  const byName: Grads = new Map();
  vars.forEach((v, i) => {
    const g = grads[v.name];
    if (g !== undefined) byName.set(names[i], g);
  });
  return { loss: value, grads: byName };
}
