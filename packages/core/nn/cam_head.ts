/**
 * The CAM classifier head: global average pooling and a linear layer. The
 * linear layer is a 1x1 convolution applied before the pooling, which gives
 * the same scores (both are linear) and the class activation maps for free.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { tf } from "../backend/tf.ts";
 * import { Rng } from "../util/rng.ts";
 * import { CamHead } from "./cam_head.ts";
 * import { ParamStore } from "./module.ts";
 * const store = new ParamStore();
 * const head = new CamHead(store, "fc", { inC: 8, classes: 2 }, new Rng(0));
 * const features = tf.randomNormal([1, 3, 3, 8], 0, 1, "float32", 1) as tf.Tensor4D;
 * const { scores, maps } = head.apply(features);
 * // The scores are the class activation maps' means: pooling and the 1x1 layer commute.
 * const means = tf.mean(maps, [1, 2]);
 * assert.ok(tf.max(tf.abs(tf.sub(scores, means))).dataSync()[0] < 1e-5);
 * tf.dispose([features, scores, maps, means]);
 * store.dispose();
 * ```
 * @module
 */
import { tf } from "../backend/tf.ts";
import type { Rng } from "../util/rng.ts";
import { Conv2d } from "./conv2d.ts";
import type { ParamStore } from "./module.ts";
import type { HeadOutput } from "./wildcat_head.ts";

/** Shape of a CAM head. */
export interface CamHeadOptions {
  inC: number;
  classes: number;
}

/** GAP + linear classifier, with its class activation maps. */
export class CamHead {
  readonly fc: Conv2d;

  constructor(store: ParamStore, name: string, o: CamHeadOptions, rng: Rng) {
    this.fc = new Conv2d(store, name, {
      inC: o.inC,
      outC: o.classes,
      k: 1,
      pad: 0,
      bias: true,
      init: "pytorch-default",
    }, rng);
  }

  /** Scores (the spatial mean of the maps) and class maps [N,h,w,C]. */
  apply(features: tf.Tensor4D): HeadOutput {
    const maps = this.fc.apply(features);
    return { scores: tf.mean(maps, [1, 2]) as tf.Tensor2D, maps };
  }
}
