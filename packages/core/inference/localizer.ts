/**
 * The one model interface of Pointwise, whatever runs it: a trained model
 * that classifies an image and localizes, pixel by pixel, what the decision
 * rests on. TensorFlow.js checkpoints and exported ONNX models both implement
 * it (see `@pointwise/runtime`'s `load()`, the one place a runtime is
 * chosen), so that evaluation, prediction files, the service and whole-slide
 * inference are written once.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { Localizer } from "./localizer.ts";
 * import { makePrediction } from "./prediction.ts";
 * // Anything with classes, a threshold, predict() and dispose() is a model to
 * // the rest of Pointwise (evaluation, prediction files, the service): here,
 * // one that marks the left half of every image.
 * const halves: Localizer = {
 *   classes: ["benign", "malignant"],
 *   method: "minmax",
 *   normalization: { mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5] },
 *   runtime: { name: "example", provider: "none", reason: "a doc example" },
 *   threshold: 0.5,
 *   predict(image) {
 *     const { width, height } = image;
 *     const mask = Float32Array.from({ length: width * height }, (_, i) => i % width < width / 2 ? 1 : 0);
 *     return Promise.resolve(
 *       makePrediction({ width, height, mask, logits: [0, 1], classes: this.classes, threshold: this.threshold }),
 *     );
 *   },
 *   dispose: () => Promise.resolve(),
 * };
 * const p = await halves.predict({ width: 4, height: 2, data: new Uint8Array(24) });
 * assert.equal(p.className, "malignant");
 * assert.equal(p.maskArea, 0.5);
 * ```
 * @module
 */
import type { RgbImage } from "../data/image.ts";
import type { Normalization } from "../data/normalize.ts";
import type { Method } from "../config/options.ts";
import type { ClassMaps } from "../model/class_maps.ts";
import type { Prediction } from "./prediction.ts";

export type { ClassMaps, MapHead, MapOutput } from "../model/class_maps.ts";

/** What runs a model, for messages and the service's description. */
export interface RuntimeInfo {
  /** The library: `tfjs`, `onnxruntime-web` or `onnxruntime-node`. */
  name: string;
  /** Its backend or execution provider: `wasm`, `webgpu`, `cpu`. */
  provider: string;
  /** Why this runtime and provider were chosen. */
  reason: string;
}

/** A trained model ready for inference. */
export interface Localizer {
  /** Class names, in label order. */
  readonly classes: readonly string[];
  /** The localization method the model was trained with. */
  readonly method: Method;
  /** The input normalisation the model was trained with. */
  readonly normalization: Normalization;
  /** What runs the model. */
  readonly runtime: RuntimeInfo;
  /** What the map is, for pictures and messages: `R+`, `M+`, `CAM malignant`... [R+ or "map"]. */
  readonly mapName?: string;
  /** Mask threshold on the map; the model's own (0.5 by default) until changed. */
  threshold: number;
  /** Classifies `image` and localizes what the decision rests on. */
  predict(image: RgbImage): Promise<Prediction>;
  /**
   * The localizer head's class maps of `image` (reflect-padded to multiples
   * of 32 as `predict` pads it), before anything image-level, with what
   * turns them into the model's map (`imageMap` in `model/class_maps.ts`
   * gives `predict`'s map from them). Present only where the map is made
   * from WILDCAT class maps (min-max and WILDCAT models) and the runtime
   * can give them (ONNX files exported without the `class_maps` output
   * cannot). Whole-slide inference stitches them across tiles.
   */
  classMaps?(image: RgbImage): Promise<ClassMaps>;
  /**
   * `classMaps` of several images of one size as one batch through the
   * network (where the runtime can run a batch): the same maps, within float
   * rounding, as one image at a time.
   */
  classMapsBatch?(images: readonly RgbImage[]): Promise<ClassMaps[]>;
  /** Frees the model's memory; the object must not be used afterwards. */
  dispose(): Promise<void>;
}
