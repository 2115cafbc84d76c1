/**
 * Gradients of a loss with respect to every trainable weight of a model,
 * keyed by the weight's name (what `Sgd.step` takes).
 *
 * @example
 * ```ts ignore
 * const { loss, grads } = gradsOf(net, () => crossEntropy(net.scores(x, ctx), labels));
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
