/**
 * The baselines min-max entropy is compared with, on the same backbone and
 * trained by the same loop with the plain classification loss:
 *
 * - `wildcat`: the localizer's WILDCAT head alone (no X+/X-, no erasing);
 *   its map is M+ (class maps weighted by the predicted probabilities);
 * - `cam`: global average pooling and a linear layer; the map is the class
 *   activation map of the predicted class;
 * - `gradcam`: the same plainly trained classifier, mapped post hoc with
 *   Grad-CAM on the last feature map;
 * - `deepmil`: gated attention MIL pooling; the map is the attention.
 *
 * Every map is upsampled to the input like M+ and normalised per image to
 * [0, 1], so the same evaluation scores all of them.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { tf } from "../backend/tf.ts";
 * import { PRESETS, withOverrides } from "../config/config.ts";
 * import { Rng } from "../util/rng.ts";
 * import { BaselineNet } from "./baseline_net.ts";
 * import { netOptions } from "./build.ts";
 * const config = withOverrides(PRESETS.cpu, { width: 0.0625, modalities: 2 }); // a tiny network
 * const net = new BaselineNet("cam", netOptions(config, 2), new Rng(0));
 * const { logits, map } = net.inferMaps(tf.zeros([1, 64, 64, 3]));
 * assert.deepEqual([logits.shape, map.shape], [[1, 2], [1, 64, 64, 1]]); // the CAM at image size
 * tf.dispose([logits, map]);
 * net.dispose();
 * ```
 * @module
 */
import { tf } from "../backend/tf.ts";
import { AttentionMilPooling } from "../nn/attention_mil_pooling.ts";
import { CamHead } from "../nn/cam_head.ts";
import { type ForwardContext, ParamStore } from "../nn/module.ts";
import { ResNet, type ResNetDepth } from "../nn/resnet.ts";
import { stopGradient } from "../nn/stop_gradient.ts";
import { WildcatHead } from "../nn/wildcat_head.ts";
import type { Rng } from "../util/rng.ts";
import { gradCam } from "./grad_cam.ts";
import { classWeightedMap, type NetOptions } from "./minmax_net.ts";
import { normalizeMap } from "./normalize_map.ts";
import { ARCHS, type Method } from "../config/options.ts";
import { upsampleMap } from "./upsample.ts";
import type { InferOutput } from "./wsl_net.ts";

/** The baseline methods. */
export type BaselineMethod = Exclude<Method, "minmax">;

/** Width of the attention network of `deepmil`. */
export const MIL_HIDDEN = 128;

/** A backbone with one baseline head. */
export class BaselineNet {
  readonly store: ParamStore = new ParamStore();
  readonly backbone: ResNet;
  readonly #wildcat?: WildcatHead;
  readonly #cam?: CamHead;
  readonly #mil?: AttentionMilPooling;

  /**
   * @param method the baseline.
   * @param options the network's shape ({@link netOptions}).
   * @param rng the source of the initial weights.
   */
  constructor(readonly method: BaselineMethod, readonly options: NetOptions, rng: Rng) {
    if (!ARCHS.includes(options.arch)) throw new Error(`unknown architecture ${options.arch}`);
    const depth = Number(options.arch.replace("resnet", "")) as ResNetDepth;
    this.backbone = new ResNet(
      this.store,
      { depth, deepStem: options.deepStem, width: options.width },
      rng,
    );
    const inC = this.backbone.outChannels;
    const classes = options.classes;
    if (method === "wildcat") {
      this.#wildcat = new WildcatHead(this.store, "headseg", {
        inC,
        classes,
        modalities: options.modalities,
        kmax: options.kmax,
        dropout: options.dropout,
      }, rng);
    } else if (method === "cam" || method === "gradcam") {
      this.#cam = new CamHead(this.store, "fc", { inC, classes }, rng);
    } else if (method === "deepmil") {
      this.#mil = new AttentionMilPooling(this.store, "mil", {
        inC,
        classes,
        hidden: MIL_HIDDEN,
      }, rng);
    } else {
      throw new Error(`unknown baseline method ${method}`);
    }
  }

  /**
   * Class logits of a batch: what the classification loss trains.
   *
   * @param x an NHWC batch, normalised.
   * @param ctx train or eval mode, and the dropout's rng.
   * @returns [N, classes].
   */
  scores(x: tf.Tensor4D, ctx: ForwardContext): tf.Tensor2D {
    return this.#head(this.backbone.apply(x, ctx), ctx).scores;
  }

  #head(
    f: tf.Tensor4D,
    ctx: ForwardContext,
  ): { scores: tf.Tensor2D; maps?: tf.Tensor4D; attention?: tf.Tensor4D } {
    if (this.#wildcat) return this.#wildcat.apply(f, ctx);
    if (this.#cam) return this.#cam.apply(f);
    return this.#mil!.apply(f);
  }

  /**
   * Eval-mode logits and the method's map in [0, 1] at the input size,
   * [N,H,W,1]. The map carries no gradient.
   *
   * @param x an NHWC batch, normalised.
   * @returns the logits and the map.
   */
  inferMaps(x: tf.Tensor4D): InferOutput {
    const ctx = { training: false };
    return tf.tidy(() => {
      const [, h, w] = x.shape;
      const features = this.backbone.apply(x, ctx);
      const out = this.#head(features, ctx);
      const low = stopGradient(this.#lowMap(features, out, ctx));
      const map = normalizeMap(upsampleMap(low, [h, w], this.options.maskUpsample));
      return { logits: out.scores, map };
    });
  }

  #lowMap(
    features: tf.Tensor4D,
    out: { scores: tf.Tensor2D; maps?: tf.Tensor4D; attention?: tf.Tensor4D },
    ctx: ForwardContext,
  ): tf.Tensor4D {
    const [n] = features.shape;
    const c = out.scores.shape[1];
    const predicted = tf.argMax(out.scores, 1);
    switch (this.method) {
      case "wildcat":
        return classWeightedMap(out.scores, out.maps!);
      case "cam": {
        const pick = tf.reshape(tf.oneHot(predicted, c), [n, 1, 1, c]);
        return tf.sum(tf.mul(out.maps!, pick), -1, true) as tf.Tensor4D;
      }
      case "gradcam":
        return gradCam(features, (f) => this.#head(f, ctx).scores, predicted as tf.Tensor1D, c);
      case "deepmil":
        return out.attention!;
    }
  }

  /** Frees every weight. */
  dispose(): void {
    this.store.dispose();
  }
}
