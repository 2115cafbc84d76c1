/**
 * What inference needs of any localization model, min-max or baseline
 * (`buildModel` in `build.ts` makes the one a config names).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { tf } from "../backend/tf.ts";
 * import { PRESETS } from "../config/presets.ts";
 * import { withOverrides } from "../config/validate_config.ts";
 * import { Rng } from "../util/rng.ts";
 * import { buildModel } from "./build.ts";
 * import type { WslNet } from "./wsl_net.ts";
 * const config = withOverrides(PRESETS.cpu, { width: 0.0625, modalities: 2 }); // a tiny network
 * for (const method of ["minmax", "deepmil"] as const) {
 *   const net: WslNet = buildModel({ ...config, method }, ["benign", "malignant"], new Rng(0));
 *   const { logits, map } = net.inferMaps(tf.zeros([1, 64, 64, 3]));
 *   assert.deepEqual([logits.shape, map.shape], [[1, 2], [1, 64, 64, 1]]);
 *   tf.dispose([logits, map]);
 *   net.dispose();
 * }
 * ```
 * @module
 */
import type { tf } from "../backend/tf.ts";
import type { ParamStore } from "../nn/module.ts";
import type { MapRequest } from "../config/map_kinds.ts";

/** Inference outputs of a model. */
export interface InferOutput {
  /** Class logits [N,C]: the classifier on X+ for min-max. */
  logits: tf.Tensor2D;
  /** The localizer head's logits, where the model has a separate one. */
  localizerLogits?: tf.Tensor2D;
  /** The localization map asked for (the method's own by default) in [0, 1] at the input size, [N,H,W,1]. */
  map: tf.Tensor4D;
}

/** A localization model: weights, inference and disposal. */
export interface WslNet {
  readonly store: ParamStore;
  /**
   * Eval-mode logits and map of an NHWC batch; `map` picks one of the maps
   * the method defines (`METHOD_MAPS`), its own by default. The class and
   * logits do not depend on it.
   */
  inferMaps(x: tf.Tensor4D, map?: MapRequest): InferOutput;
  /** The localizer's WILDCAT class maps [N,h,w,C], where the model's map is made from them. */
  localizerMaps?(x: tf.Tensor4D): tf.Tensor4D;
  dispose(): void;
}
