/**
 * Attention-based deep multiple-instance pooling (Ilse et al., 2018, the
 * gated variant). Each cell of the feature map is an instance h_i; its weight
 * is a_i = softmax_i(w^T (tanh(V h_i) * sigmoid(U h_i))), the bag is
 * z = sum_i a_i h_i, and a linear layer classifies z. The attention map a is
 * the localization.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { tf } from "../backend/tf.ts";
 * import { Rng } from "../util/rng.ts";
 * import { AttentionMilPooling } from "./attention_mil_pooling.ts";
 * import { ParamStore } from "./module.ts";
 * const store = new ParamStore();
 * const mil = new AttentionMilPooling(store, "mil", { inC: 8, classes: 2, hidden: 4 }, new Rng(0));
 * const features = tf.randomNormal([1, 3, 3, 8], 0, 1, "float32", 1) as tf.Tensor4D;
 * const { scores, attention } = mil.apply(features);
 * assert.deepEqual([scores.shape, attention.shape], [[1, 2], [1, 3, 3, 1]]);
 * assert.ok(Math.abs(tf.sum(attention).dataSync()[0] - 1) < 1e-6); // a distribution over cells
 * tf.dispose([features, scores, attention]);
 * store.dispose();
 * ```
 * @module
 */
import { tf } from "../backend/tf.ts";
import type { Rng } from "../util/rng.ts";
import { Conv2d } from "./conv2d.ts";
import type { ParamStore } from "./module.ts";

/** Shape of the pooling. */
export interface AttentionMilOptions {
  inC: number;
  classes: number;
  /** Width of the attention network (Ilse et al. use 128). */
  hidden: number;
}

/** Output: class logits and the attention over cells, [N,h,w,1], summing to 1 per image. */
export interface AttentionMilOutput {
  scores: tf.Tensor2D;
  attention: tf.Tensor4D;
}

/** Gated attention MIL pooling with a linear classifier on the bag. */
export class AttentionMilPooling {
  readonly v: Conv2d;
  readonly u: Conv2d;
  readonly w: Conv2d;
  readonly fc: Conv2d;

  constructor(store: ParamStore, name: string, o: AttentionMilOptions, rng: Rng) {
    const lin = (n: string, inC: number, outC: number) =>
      new Conv2d(store, `${name}.${n}`, {
        inC,
        outC,
        k: 1,
        pad: 0,
        bias: true,
        init: "pytorch-default",
      }, rng);
    this.v = lin("attention_v", o.inC, o.hidden);
    this.u = lin("attention_u", o.inC, o.hidden);
    // Its bias is inert (softmax ignores a shift shared by all logits); it
    // stays so that checkpoints and seeded initialisations keep their layout.
    this.w = lin("attention_w", o.hidden, 1);
    this.fc = lin("fc", o.inC, o.classes);
  }

  /** Pools features [N,h,w,D] into scores. */
  apply(features: tf.Tensor4D): AttentionMilOutput {
    const [n, h, w] = features.shape;
    const gate = tf.mul(
      tf.tanh(this.v.apply(features)),
      tf.sigmoid(this.u.apply(features)),
    ) as tf.Tensor4D;
    const logits = tf.reshape(this.w.apply(gate), [n, h * w]);
    const attention = tf.reshape(tf.softmax(logits), [n, h, w, 1]) as tf.Tensor4D;
    const bag = tf.sum(tf.mul(features, attention), [1, 2], true) as tf.Tensor4D;
    const scores = tf.reshape(this.fc.apply(bag), [n, -1]) as tf.Tensor2D;
    return { scores, attention };
  }
}
