/**
 * The min-max entropy network: one shared ResNet backbone and two WILDCAT
 * heads, `headseg` (localizer) and `cl32` (classifier), as in the reference.
 *
 * - `segment(X)`: backbone + headseg gives the localizer's scores and maps.
 * - M+ = sum_c softmax(scores)_c * map_c, upsampled bilinearly to the input
 *   size (with align_corners, as the reference, unless configured otherwise)
 *   and detached.
 * - R+ = pseudo-binary mask of M+; X+ = X * R+, X- = X * (1 - R+).
 * - `classify(X)`: resize by 0.5 (align_corners), the same backbone, cl32.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { tf } from "../backend/tf.ts";
 * import { PRESETS } from "../config/presets.ts";
 * import { withOverrides } from "../config/validate_config.ts";
 * import { Rng } from "../util/rng.ts";
 * import { netOptions } from "./build.ts";
 * import { MinMaxNet } from "./minmax_net.ts";
 * const config = withOverrides(PRESETS.cpu, { width: 0.0625, modalities: 2 }); // a tiny network
 * const net = new MinMaxNet(netOptions(config, 2), new Rng(0));
 * const out = net.forward(tf.zeros([2, 64, 64, 3]), { training: false });
 * assert.deepEqual(out.mask.shape, [2, 64, 64, 1]); // R+ at input size
 * assert.deepEqual(out.scoresPos.shape, [2, 2]); // the classifier on X+
 * tf.dispose(Object.values(out));
 * net.dispose();
 * ```
 * @module
 */
import { tf } from "../backend/tf.ts";
import { ParamStore } from "../nn/module.ts";
import type { ForwardContext } from "../nn/module.ts";
import { stopGradient } from "../nn/stop_gradient.ts";
import { ResNet, type ResNetDepth } from "../nn/resnet.ts";
import { type HeadOutput, WildcatHead } from "../nn/wildcat_head.ts";
import type { Rng } from "../util/rng.ts";
import { maskedInputs, pseudoBinaryMask } from "./pseudo_binary_mask.ts";
import { type Arch, ARCHS, type BackboneGrad } from "../config/options.ts";
import type { NetworkSettings } from "../config/config.ts";
import { resizeExact, upsampleMap } from "./upsample.ts";
import type { InferOutput } from "./wsl_net.ts";
import { normalizeMap } from "./normalize_map.ts";
import type { MapRequest } from "../config/map_kinds.ts";

export { type Arch, ARCHS };

/**
 * Everything that fixes the network's shape and its forward computation:
 * the config's network settings (see `CONFIG_FIELDS` for each) and the
 * number of classes.
 */
export interface NetOptions extends Omit<NetworkSettings, "method"> {
  classes: number;
}

/** Output of a full forward pass. */
export interface ForwardOutput {
  scoresSeg: tf.Tensor2D;
  /** R+ at input resolution, [N,H,W,1], detached. */
  mask: tf.Tensor4D;
  scoresPos: tf.Tensor2D;
  scoresNeg: tf.Tensor2D;
}

/**
 * M+ at the maps' resolution: the class maps [N,h,w,C] weighted by the
 * softmax of the scores [N,C] (the predicted probabilities, never the label).
 *
 * @param scores the localizer's logits [N,C].
 * @param maps its class maps [N,h,w,C].
 * @returns M+ [N,h,w,1].
 */
export function classWeightedMap(scores: tf.Tensor2D, maps: tf.Tensor4D): tf.Tensor4D {
  return tf.tidy(() => {
    const [n, , , c] = maps.shape;
    const p = tf.reshape(tf.softmax(scores), [n, 1, 1, c]);
    return tf.sum(tf.mul(maps, p), -1, true) as tf.Tensor4D;
  });
}

/** How a classifier pass may touch the shared backbone (see `MinMaxNet.classify`). */
export type ClassifierLink = "full" | "no-grad" | "isolated";

/** The links of the X+ and X- passes for a {@link BackboneGrad} setting. */
export function classifierLinks(grad: BackboneGrad): { pos: ClassifierLink; neg: ClassifierLink } {
  switch (grad) {
    case "pos-neg":
      return { pos: "full", neg: "full" };
    case "pos":
      return { pos: "full", neg: "no-grad" };
    case "none":
      return { pos: "no-grad", neg: "no-grad" };
    case "isolated":
      return { pos: "isolated", neg: "isolated" };
  }
}

/** The shared-backbone localizer/classifier network. */
export class MinMaxNet {
  readonly store: ParamStore = new ParamStore();
  readonly backbone: ResNet;
  readonly headseg: WildcatHead;
  readonly cl32: WildcatHead;

  /**
   * @param options the network's shape ({@link netOptions}).
   * @param rng the source of the initial weights.
   */
  constructor(readonly options: NetOptions, rng: Rng) {
    const depth = Number(options.arch.replace("resnet", "")) as ResNetDepth;
    if (!ARCHS.includes(options.arch)) throw new Error(`unknown architecture ${options.arch}`);
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
    const head = {
      inC: this.backbone.outChannels,
      classes: options.classes,
      modalities: options.modalities,
      kmax: options.kmax,
      dropout: options.dropout,
    };
    this.headseg = new WildcatHead(this.store, "headseg", head, rng);
    this.cl32 = new WildcatHead(this.store, "cl32", head, rng);
  }

  /**
   * Localizer pass on an NHWC batch.
   *
   * @param x an NHWC batch, normalised.
   * @param ctx train or eval mode, and the dropout's rng.
   * @returns the localizer's scores and class maps.
   */
  segment(x: tf.Tensor4D, ctx: ForwardContext): HeadOutput {
    return this.headseg.apply(this.backbone.apply(x, ctx), ctx);
  }

  /**
   * M+ at the input size [N,H,W,1], with no gradient (the reference detaches
   * it). The reference upsamples with align_corners; `stride-grid` is a
   * deliberate option that puts each cell on its receptive field's centre.
   *
   * @param seg a localizer pass.
   * @param size the input's height and width.
   * @param training take the faster upsampling of training.
   * @returns M+ [N,H,W,1].
   */
  localizationMap(seg: HeadOutput, size: [number, number], training = false): tf.Tensor4D {
    return tf.tidy(() => {
      const low = classWeightedMap(stopGradient(seg.scores), stopGradient(seg.maps));
      const stride = this.backbone.outputStride;
      return stopGradient(upsampleMap(low, size, this.options.maskUpsample, stride, training));
    });
  }

  /**
   * R+ for a localizer pass on an input of `size`; `training` as in `upsampleMap`.
   *
   * @param seg a localizer pass.
   * @param size the input's height and width.
   * @param training take the faster upsampling of training.
   * @returns R+ [N,H,W,1].
   */
  mask(seg: HeadOutput, size: [number, number], training = false): tf.Tensor4D {
    return tf.tidy(() =>
      pseudoBinaryMask(
        this.localizationMap(seg, size, training),
        this.options.maskW,
        this.options.maskSigma,
      )
    );
  }

  /**
   * Classifier pass: resize by `classifierScale`, shared backbone, cl32.
   * `link` says how the pass may touch the backbone: `full` (the reference),
   * `no-grad` (the features are cut from the gradient tape, so its loss
   * trains cl32 only) or `isolated` (no gradient, and the BatchNorm running
   * statistics are left alone). Deliberate options; see {@link BackboneGrad}.
   *
   * @param x an NHWC batch (X+ or X-).
   * @param ctx train or eval mode, and the dropout's rng.
   * @param link how the pass may touch the backbone.
   * @param mask R+ [N,H,W,1]: the pass then classifies X+ = x·mask, made
   *   with the resize (one pass over the image at inference on wasm).
   * @returns the classifier's scores and class maps.
   */
  classify(
    x: tf.Tensor4D,
    ctx: ForwardContext,
    link: ClassifierLink = "full",
    mask?: tf.Tensor4D,
  ): HeadOutput {
    const [, h, w] = x.shape;
    const s = this.options.classifierScale;
    const size: [number, number] = [Math.floor(h * s), Math.floor(w * s)];
    // Inference uses exact align_corners taps, which the ONNX export repeats.
    // Training keeps tfjs's kernel: 14% faster per step here, and its float32
    // coordinate rounding (about 3e-5 px) does not matter to the gradient.
    const masked = (): tf.Tensor4D => mask === undefined ? x : tf.mul(x, mask);
    const small = s === 1
      ? masked()
      : ctx.training
      ? tf.image.resizeBilinear(masked(), size, true)
      : resizeExact(x, size, "align-corners", 32, mask);
    const inner = link === "isolated" ? { ...ctx, keepRunningStats: true } : ctx;
    const features = this.backbone.apply(small, inner);
    return this.cl32.apply(link === "full" ? features : stopGradient(features), ctx);
  }

  /**
   * The full forward pass: localizer, R+, X+/X-, classifier on both.
   * `grad` says how the classifier passes may reach the backbone (fully, as
   * in the reference, unless told otherwise).
   *
   * @param x an NHWC batch, normalised.
   * @param ctx train or eval mode, and the dropout's rng.
   * @param grad how the classifier passes may reach the backbone.
   * @returns the localizer's scores, R+, and the classifier's scores on X+ and X-.
   */
  forward(x: tf.Tensor4D, ctx: ForwardContext, grad: BackboneGrad = "pos-neg"): ForwardOutput {
    const [, h, w] = x.shape;
    const seg = this.segment(x, ctx);
    const { mask, pos: xPos, neg: xNeg } = tf.tidy(() =>
      maskedInputs(
        this.localizationMap(seg, [h, w], ctx.training),
        x,
        this.options.maskW,
        this.options.maskSigma,
      )
    );
    const link = classifierLinks(grad);
    const pos = this.classify(xPos, ctx, link.pos);
    const neg = this.classify(xNeg, ctx, link.neg);
    return { scoresSeg: seg.scores, mask, scoresPos: pos.scores, scoresNeg: neg.scores };
  }

  /**
   * Inference pass: localizer, R+ and the classifier on X+ only (X- is not
   * needed to predict). Returns the classifier and localizer logits and R+.
   *
   * @param x an NHWC batch, normalised.
   */
  infer(x: tf.Tensor4D): { scoresPos: tf.Tensor2D; scoresSeg: tf.Tensor2D; mask: tf.Tensor4D } {
    const ctx = { training: false };
    const [, h, w] = x.shape;
    // Each pass in its own scope, so that a large image's full-size
    // intermediates (X+, its resize) are freed before the next pass.
    const seg = tf.tidy(() => ({ ...this.segment(x, ctx) })) as unknown as HeadOutput;
    const mask = this.mask(seg, [h, w]);
    seg.maps.dispose();
    const scoresPos = tf.tidy(() => this.classify(x, ctx, "full", mask).scores);
    return { scoresPos, scoresSeg: seg.scores, mask };
  }

  /**
   * The localizer's class maps [N,h,w,C] in eval mode: `headseg`'s class-wise
   * pooled maps, before WILDCAT pooling and everything image-level (see
   * `class_maps.ts` for what the rest of inference does with them).
   */
  localizerMaps(x: tf.Tensor4D): tf.Tensor4D {
    return tf.tidy(() => this.headseg.maps(this.backbone.apply(x, { training: false })));
  }

  /**
   * {@link infer} in the terms every model shares: the map is R+, or with
   * `map`, M+ normalised to [0, 1] per image (`m+`), or the localizer's
   * class map (`cam`) of `map.classIndex` or of the predicted class (the
   * classifier's, on X+), upsampled as M+ and normalised. The class always
   * comes from the classifier on X+ = X·R+.
   */
  inferMaps(x: tf.Tensor4D, map: MapRequest = { kind: "r+" }): InferOutput {
    const ctx = { training: false };
    const [n, h, w] = x.shape;
    // Each pass in its own scope, so that a large image's full-size
    // intermediates (X+, its resize) are freed before the next pass.
    const seg = tf.tidy(() => ({ ...this.segment(x, ctx) })) as unknown as HeadOutput;
    const mask = this.mask(seg, [h, w]);
    const logits = tf.tidy(() => this.classify(x, ctx, "full", mask).scores);
    const out = { logits, localizerLogits: seg.scores };
    if (map.kind === "r+") {
      seg.maps.dispose();
      return { ...out, map: mask };
    }
    mask.dispose();
    try {
      return {
        ...out,
        map: tf.tidy(() => {
          switch (map.kind) {
            case "m+":
              return normalizeMap(this.localizationMap(seg, [h, w]));
            case "cam": {
              const c = seg.maps.shape[3];
              const k = map.classIndex === undefined
                ? tf.argMax(logits, 1)
                : tf.fill([n], map.classIndex, "int32");
              const pick = tf.reshape(tf.oneHot(k as tf.Tensor1D, c), [n, 1, 1, c]);
              const low = tf.sum(tf.mul(seg.maps, pick), -1, true) as tf.Tensor4D;
              const stride = this.backbone.outputStride;
              return normalizeMap(upsampleMap(low, [h, w], this.options.maskUpsample, stride));
            }
            default:
              throw new Error(`a min-max model has no ${map.kind} map`);
          }
        }),
      };
    } catch (e) {
      tf.dispose([logits, seg.scores]);
      throw e;
    } finally {
      seg.maps.dispose();
    }
  }

  /** Frees every weight. */
  dispose(): void {
    this.store.dispose();
  }
}
