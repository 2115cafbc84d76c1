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
 * import { PRESETS } from "../config/presets.ts";
 * import { withOverrides } from "../config/validate_config.ts";
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
import { type MapKind, type MapRequest, METHOD_MAPS } from "../config/map_kinds.ts";

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
      {
        depth,
        deepStem: options.deepStem,
        width: options.width,
        outputStride: options.outputStride,
      },
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
   * Eval-mode logits and the method's map (or `map`, one it defines) in
   * [0, 1] at the input size, [N,H,W,1]. The map carries no gradient.
   *
   * @param x an NHWC batch, normalised.
   * @param map the map to read, when not the method's own.
   * @returns the logits and the map.
   */
  inferMaps(
    x: tf.Tensor4D,
    request: MapRequest = { kind: METHOD_MAPS[this.method][0] },
  ): InferOutput {
    if (!METHOD_MAPS[this.method].includes(request.kind)) {
      throw new Error(`a ${this.method} model has no ${request.kind} map`);
    }
    const ctx = { training: false };
    return tf.tidy(() => {
      const [, h, w] = x.shape;
      const features = this.backbone.apply(x, ctx);
      const out = this.#head(features, ctx);
      const low = stopGradient(this.#lowMap(features, out, ctx, request));
      const map = normalizeMap(
        upsampleMap(low, [h, w], this.options.maskUpsample, this.backbone.outputStride),
      );
      return { logits: out.scores, map };
    });
  }

  /**
   * The WILDCAT head's class maps [N,h,w,C] in eval mode, before pooling
   * (the `wildcat` baseline only: the other baselines have no class maps
   * that their map is made from).
   */
  localizerMaps(x: tf.Tensor4D): tf.Tensor4D {
    if (this.#wildcat === undefined) {
      throw new Error(`the '${this.method}' baseline has no WILDCAT class maps`);
    }
    const head = this.#wildcat;
    return tf.tidy(() => head.maps(this.backbone.apply(x, { training: false })));
  }

  #lowMap(
    features: tf.Tensor4D,
    out: { scores: tf.Tensor2D; maps?: tf.Tensor4D; attention?: tf.Tensor4D },
    ctx: ForwardContext,
    map: MapRequest,
  ): tf.Tensor4D {
    const [n] = features.shape;
    const c = out.scores.shape[1];
    // The class of a map of one class: the one asked for, else the predicted one.
    const chosen =
      (map.classIndex === undefined
        ? tf.argMax(out.scores, 1)
        : tf.fill([n], map.classIndex, "int32")) as tf.Tensor1D;
    const kind: MapKind = map.kind;
    switch (kind) {
      case "m+":
        return classWeightedMap(out.scores, out.maps!);
      case "cam": {
        // The class activation map of a GAP head, or a WILDCAT head's class map.
        const pick = tf.reshape(tf.oneHot(chosen, c), [n, 1, 1, c]);
        return tf.sum(tf.mul(out.maps!, pick), -1, true) as tf.Tensor4D;
      }
      case "gradcam":
        return gradCam(features, (f) => this.#head(f, ctx).scores, chosen, c);
      case "attention":
        return out.attention!;
      default:
        throw new Error(`a ${this.method} model has no ${kind} map`);
    }
  }

  /** Frees every weight. */
  dispose(): void {
    this.store.dispose();
  }
}
