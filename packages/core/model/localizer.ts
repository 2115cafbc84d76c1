/**
 * The inference API: `load()` a checkpoint, then `predict()` an image into a
 * class, its probabilities and a mask. As in the reference, the whole image
 * is reflect-padded to multiples of 32, the class comes from the classifier
 * on X+, and the mask is R+ cropped back to the image and thresholded.
 *
 * @example
 * ```ts ignore
 * const localizer = await load(await Deno.readFile("runs/synthetic/best.safetensors"));
 * const p = await localizer.predict(image);
 * console.log(p.className, p.maskArea);
 * localizer.dispose();
 * ```
 * @module
 */
import { tf } from "../runtime/tf.ts";
import type { Config } from "../config/config.ts";
import { cropBack, padForInference } from "../data/padding.ts";
import type { RgbImage } from "../data/image.ts";
import { type Checkpoint, decodeCheckpoint } from "../io/checkpoint.ts";
import { Rng } from "../util/rng.ts";
import { buildNet } from "./build.ts";
import type { MinMaxNet } from "./minmax_net.ts";

/** What `predict()` returns for one image. */
export interface Prediction {
  width: number;
  height: number;
  classIndex: number;
  className: string;
  /** Softmax of the classifier on X+, in class order. */
  probabilities: number[];
  /** Softmax of the localizer's own head. */
  localizerProbabilities: number[];
  /** R+ at image resolution, row-major, in [0, 1]. */
  mask: Float32Array;
  /** R+ >= threshold, row-major, 0/1. */
  binary: Uint8Array;
  /** Fraction of pixels in the binary mask. */
  maskArea: number;
  threshold: number;
}

/** A trained model ready for inference. */
export class Localizer {
  /** Mask threshold; the reference uses 0.5. */
  threshold = 0.5;

  constructor(readonly net: MinMaxNet, readonly classes: string[], readonly config: Config) {}

  /** Builds a localizer from a decoded checkpoint. */
  static fromCheckpoint(c: Checkpoint): Localizer {
    const net = buildNet(c.config, c.classes, new Rng(0));
    try {
      net.store.assign(c.weights);
    } catch (e) {
      net.dispose();
      throw e;
    }
    return new Localizer(net, c.classes, c.config);
  }

  /** Classifies `image` and localizes what the decision rests on. */
  async predict(image: RgbImage): Promise<Prediction> {
    const padded = padForInference(image);
    const outs = tf.tidy(() => {
      const x = tf.tensor4d(padded.data, [1, padded.height, padded.width, 3]);
      const out = this.net.infer(x);
      return [tf.softmax(out.scoresPos), tf.softmax(out.scoresSeg), out.mask];
    });
    const [probs, segProbs, maskPadded] = await Promise.all(outs.map((t) => t.data()));
    tf.dispose(outs);
    const { width: w, height: h } = image;
    const mask = cropBack(maskPadded as Float32Array, padded.height, padded.width, h, w);
    const binary = new Uint8Array(mask.length);
    let area = 0;
    for (let i = 0; i < mask.length; i++) {
      binary[i] = mask[i] >= this.threshold ? 1 : 0;
      area += binary[i];
    }
    const probabilities = Array.from(probs);
    let classIndex = 0;
    for (let c = 1; c < probabilities.length; c++) {
      if (probabilities[c] > probabilities[classIndex]) classIndex = c;
    }
    return {
      width: w,
      height: h,
      classIndex,
      className: this.classes[classIndex],
      probabilities,
      localizerProbabilities: Array.from(segProbs),
      mask,
      binary,
      maskArea: area / mask.length,
      threshold: this.threshold,
    };
  }

  /** Frees the model's tensors. */
  dispose(): void {
    this.net.dispose();
  }
}

/** Loads a localizer from checkpoint bytes; `name` goes into error messages. */
// deno-lint-ignore require-await
export async function load(bytes: Uint8Array, name = "checkpoint"): Promise<Localizer> {
  return Localizer.fromCheckpoint(decodeCheckpoint(bytes, name));
}
