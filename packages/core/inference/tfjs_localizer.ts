/**
 * A checkpoint run by TensorFlow.js, behind the {@link Localizer} interface.
 * As in the reference, the whole image is reflect-padded to multiples of 32,
 * the class comes from the classifier on X+, and the mask is R+ cropped back
 * to the image and thresholded. A baseline's model gives its own class and
 * map, handled the same way.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { PRESETS } from "../config/presets.ts";
 * import { withOverrides } from "../config/validate_config.ts";
 * import { encodeCheckpoint, decodeCheckpoint } from "../io/checkpoint.ts";
 * import { buildModel } from "../model/build.ts";
 * import { Rng } from "../util/rng.ts";
 * import { TfjsLocalizer } from "./tfjs_localizer.ts";
 * // A checkpoint's bytes (best.safetensors of a run), here of an untrained tiny network.
 * const config = withOverrides(PRESETS.cpu, { width: 0.0625, modalities: 2 }); // a tiny network
 * const net = buildModel(config, ["benign", "malignant"], new Rng(0));
 * const bytes = encodeCheckpoint({ config, classes: ["benign", "malignant"], weights: await net.store.read() });
 * net.dispose();
 * const localizer = TfjsLocalizer.fromCheckpoint(decodeCheckpoint(bytes, "best.safetensors"));
 * const p = await localizer.predict({ width: 50, height: 40, data: new Uint8Array(50 * 40 * 3) });
 * assert.equal(p.mask.length, 50 * 40); // padded to 64x64 inside, cropped back
 * assert.ok(localizer.classes.includes(p.className));
 * await localizer.dispose();
 * ```
 * @module
 */
import { tf } from "../backend/tf.ts";
import type { Config } from "../config/config.ts";
import type { Method } from "../config/options.ts";
import type { RgbImage } from "../data/image.ts";
import { NORMALIZATION, type Normalization } from "../data/normalize.ts";
import { cropStart, padForInference } from "../data/padding.ts";
import { readWindow } from "../backend/read_window.ts";
import type { Checkpoint } from "../io/checkpoint.ts";
import { restoreMapSize, scaleImage } from "../data/rescale.ts";
import { buildModel } from "../model/build.ts";
import { type ClassMaps, type MapHead, mapHeadOf } from "../model/class_maps.ts";
import type { WslNet } from "../model/wsl_net.ts";
import { Rng } from "../util/rng.ts";
import type { Localizer, RuntimeInfo } from "./localizer.ts";
import { makePrediction, type Prediction } from "./prediction.ts";
import { MAP_LABELS, type MapRequest, METHOD_MAPS } from "../config/map_kinds.ts";

/** A TensorFlow.js network ready for inference. */
export class TfjsLocalizer implements Localizer {
  /** Mask threshold; the reference uses 0.5. */
  threshold = 0.5;
  #input?: Float32Array;
  readonly runtime: RuntimeInfo;
  /** The map predictions carry (the method's own unless a {@link MapRequest} says otherwise). */
  readonly map: MapRequest;
  /**
   * The localizer's class maps of an image; absent for models whose map is
   * not made from them, and for models trained at another input scale (their
   * maps are not at the image's own scale).
   */
  readonly classMaps?: (image: RgbImage) => Promise<ClassMaps>;
  /**
   * The class maps of several images of one size, run through the network as
   * one batch; present where `classMaps` is. The maps are the localizer's
   * pooled maps before anything image-level, so the images of a batch do
   * not affect one another.
   */
  readonly classMapsBatch?: (images: readonly RgbImage[]) => Promise<ClassMaps[]>;

  /**
   * @param net the network (the localizer takes it over: `dispose()` frees it).
   * @param classes class names in label order.
   * @param config the settings it was trained with.
   * @param normalization its input normalisation.
   * @param reason why the active backend was chosen, for messages.
   */
  constructor(
    readonly net: WslNet,
    readonly classes: readonly string[],
    readonly config: Config,
    readonly normalization: Normalization = NORMALIZATION,
    reason?: string,
    map?: MapRequest,
  ) {
    this.map = map ?? { kind: METHOD_MAPS[config.method][0] };
    const backend = tf.getBackend();
    this.runtime = {
      name: "tfjs",
      provider: backend,
      reason: reason ?? `TensorFlow.js ${backend} backend`,
    };
    const head = mapHeadOf(config);
    if (head !== null && net.localizerMaps !== undefined && (config.resize ?? 1) === 1) {
      this.classMapsBatch = (images) => this.#classMaps(images, head);
      this.classMaps = async (image) => (await this.#classMaps([image], head))[0];
    }
  }

  /** The method the model was trained with. */
  get method(): Method {
    return this.config.method;
  }

  /** The map's name: `R+`, `M+`, `CAM` (of a class), `Grad-CAM`, `attention`. */
  get mapName(): string {
    const label = MAP_LABELS[this.map.kind];
    return this.map.classIndex === undefined
      ? label
      : `${label} ${this.classes[this.map.classIndex]}`;
  }

  /**
   * Builds a localizer from a decoded checkpoint, on the active backend.
   *
   * @param c the checkpoint.
   * @param reason why the active backend was chosen, for messages.
   * @param map the map to read, when not the method's own.
   * @returns the localizer.
   * @throws {Error} when the weights do not fit the checkpoint's architecture.
   */
  static fromCheckpoint(c: Checkpoint, reason?: string, map?: MapRequest): TfjsLocalizer {
    const net = buildModel(c.config, c.classes, new Rng(0));
    try {
      net.store.assign(c.weights);
    } catch (e) {
      net.dispose();
      throw new Error(`${c.source ?? "the checkpoint"}: ${(e as Error).message}`, { cause: e });
    }
    return new TfjsLocalizer(
      net,
      c.classes,
      c.config,
      c.normalization ?? NORMALIZATION,
      reason,
      map,
    );
  }

  /**
   * Classifies `image` and localizes what the decision rests on.
   *
   * @param image the image, any size (it is reflect-padded to multiples of 32).
   * @returns the class, the probabilities and the mask at the image's size.
   */
  async predict(image: RgbImage): Promise<Prediction> {
    // The model sees the image at the input scale it was trained at; its map
    // comes back at the image's own size.
    const scale = this.config.resize ?? 1;
    const seen = scale === 1 ? image : scaleImage(image, scale);
    // The padded input is copied into a tensor and freed before any await,
    // so one array serves every call.
    const padded = padForInference(seen, this.normalization, 32, this.#input);
    this.#input = padded.data;
    const [map, logitsT, localizerLogits] = tf.tidy(() => {
      const x = tf.tensor4d(padded.data, [1, padded.height, padded.width, 3]);
      const out = this.net.inferMaps(x, this.map);
      return [out.map, out.logits, ...(out.localizerLogits ? [out.localizerLogits] : [])];
    }) as [tf.Tensor4D, tf.Tensor2D, tf.Tensor2D?];
    const { width: w, height: h } = seen;
    let mask: Float32Array, logits: Float32Array, segLogits: Float32Array | undefined;
    try {
      // cropBack's window of the map, read without a copy of the whole map.
      mask = await readWindow(map, cropStart(padded.height, h), cropStart(padded.width, w), h, w);
      logits = await logitsT.data() as Float32Array;
      segLogits = localizerLogits ? await localizerLogits.data() as Float32Array : undefined;
    } finally {
      tf.dispose([map, logitsT, ...(localizerLogits ? [localizerLogits] : [])]);
    }
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

  async #classMaps(images: readonly RgbImage[], head: MapHead): Promise<ClassMaps[]> {
    if (images.length === 0) return [];
    const padded = images.map((image) => padForInference(image, this.normalization));
    const { width: pw, height: ph } = padded[0];
    if (padded.some((p) => p.width !== pw || p.height !== ph)) {
      throw new RangeError("the images of a batch must have one size");
    }
    const n = padded.length, plane = ph * pw * 3;
    const data = n === 1 ? padded[0].data : new Float32Array(n * plane);
    if (n > 1) padded.forEach((p, i) => data.set(p.data, i * plane));
    const t = tf.tidy(() => {
      const x = tf.tensor4d(data, [n, ph, pw, 3]);
      return tf.transpose(this.net.localizerMaps!(x), [0, 3, 1, 2]);
    });
    const [, classes, height, width] = t.shape;
    const maps = await t.data() as Float32Array;
    t.dispose();
    const size = classes * height * width;
    return padded.map((_, i) => ({
      maps: n === 1 ? maps : maps.slice(i * size, (i + 1) * size),
      classes,
      height,
      width,
      stride: ph / height,
      inputHeight: ph,
      inputWidth: pw,
      head,
    }));
  }

  /** Frees the model's tensors. */
  dispose(): Promise<void> {
    this.net.dispose();
    return Promise.resolve();
  }
}
