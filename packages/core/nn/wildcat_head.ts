/**
 * A WILDCAT classifier head: a 1x1 convolution (with bias) to C*M modality
 * maps, class-wise pooling to C maps, and top-k decision pooling to C scores
 * (logits). The model has two: `headseg` (localizer) and `cl32` (classifier).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { tf } from "../backend/tf.ts";
 * import { Rng } from "../util/rng.ts";
 * import { ParamStore } from "./module.ts";
 * import { WildcatHead } from "./wildcat_head.ts";
 * const store = new ParamStore();
 * const head = new WildcatHead(
 *   store, "headseg", { inC: 8, classes: 2, modalities: 5, kmax: 0.09, dropout: 0 }, new Rng(0),
 * );
 * const features = tf.ones([1, 4, 4, 8]) as tf.Tensor4D;
 * const { scores, maps } = head.apply(features, { training: false });
 * assert.deepEqual([scores.shape, maps.shape], [[1, 2], [1, 4, 4, 2]]);
 * tf.dispose([features, scores, maps]);
 * store.dispose();
 * ```
 * @module
 */
import type { tf } from "../backend/tf.ts";
import type { Rng } from "../util/rng.ts";
import { classWisePooling } from "./class_wise_pooling.ts";
import { Conv2d } from "./conv2d.ts";
import type { ForwardContext, ParamStore } from "./module.ts";
import { wildcatHeadPooling } from "./wildcat_pooling.ts";

/** Shape and pooling of a head. */
export interface WildcatHeadOptions {
  inC: number;
  classes: number;
  modalities: number;
  kmax: number;
  dropout: number;
}

/** Output of a head. */
export interface HeadOutput {
  /** Class logits [N, C]. */
  scores: tf.Tensor2D;
  /** Class maps [N, H, W, C] at the feature resolution. */
  maps: tf.Tensor4D;
}

/** One WILDCAT head. */
export class WildcatHead {
  readonly toModalities: Conv2d;

  constructor(store: ParamStore, name: string, readonly o: WildcatHeadOptions, rng: Rng) {
    // Created after the backbone, so it keeps PyTorch's default Conv2d init.
    this.toModalities = new Conv2d(store, `${name}.to_modalities`, {
      inC: o.inC,
      outC: o.classes * o.modalities,
      k: 1,
      pad: 0,
      bias: true,
      init: "pytorch-default",
    }, rng);
  }

  /** Class maps [N, H, W, C] of a feature batch, before pooling. */
  maps(features: tf.Tensor4D): tf.Tensor4D {
    return classWisePooling(this.toModalities.apply(features), this.o.classes, this.o.modalities);
  }

  /** Scores and class maps of a feature batch. */
  apply(features: tf.Tensor4D, ctx: ForwardContext): HeadOutput {
    return wildcatHeadPooling(
      this.toModalities.apply(features),
      this.o.classes,
      this.o.modalities,
      this.o,
      ctx,
    );
  }
}
