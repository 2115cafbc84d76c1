/**
 * The inference API: `load()` a checkpoint, then `predict()` an image into a
 * class, its probabilities and a mask. As in the reference, the whole image
 * is reflect-padded to multiples of 32, the class comes from the classifier
 * on X+, and the mask is R+ cropped back to the image and thresholded. A
 * baseline's model gives its own class and map, handled the same way.
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
import { tf } from "../backend/tf.ts";
import type { Config } from "../config/config.ts";
import { cropBack, padForInference } from "../data/padding.ts";
import { NORMALIZATION } from "../data/normalize.ts";
import type { RgbImage } from "../data/image.ts";
import { restoreMapSize, scaleImage } from "../data/rescale.ts";
import { type Checkpoint, decodeCheckpoint } from "../io/checkpoint.ts";
import { Rng } from "../util/rng.ts";
import { buildModel } from "../model/build.ts";
import { makePrediction, type Prediction } from "./prediction.ts";

export type { Prediction } from "./prediction.ts";
import type { WslNet } from "../model/wsl_net.ts";

/** A trained model ready for inference. */
export class Localizer {
  /** Mask threshold; the reference uses 0.5. */
  threshold = 0.5;

  constructor(readonly net: WslNet, readonly classes: string[], readonly config: Config) {}

  /** Builds a localizer from a decoded checkpoint. */
  static fromCheckpoint(c: Checkpoint): Localizer {
    const net = buildModel(c.config, c.classes, new Rng(0));
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
    // The model sees the image at the input scale it was trained at; its map
    // comes back at the image's own size.
    const scale = this.config.resize ?? 1;
    const seen = scale === 1 ? image : scaleImage(image, scale);
    const padded = padForInference(seen, NORMALIZATION);
    const outs = tf.tidy(() => {
      const x = tf.tensor4d(padded.data, [1, padded.height, padded.width, 3]);
      const out = this.net.inferMaps(x);
      return [out.logits, out.map, ...(out.localizerLogits ? [out.localizerLogits] : [])];
    });
    const [logits, maskPadded, segLogits] = await Promise.all(outs.map((t) => t.data()));
    tf.dispose(outs);
    const { width: w, height: h } = seen;
    const mask = cropBack(maskPadded as Float32Array, padded.height, padded.width, h, w);
    return makePrediction({
      width: image.width,
      height: image.height,
      mask: restoreMapSize(mask, w, h, image.width, image.height),
      logits,
      localizerLogits: segLogits,
      classes: this.classes,
      threshold: this.threshold,
    });
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
