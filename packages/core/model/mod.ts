/**
 * The networks, in TensorFlow.js: the min-max network (one ResNet, the
 * localizer and classifier WILDCAT heads, the pseudo-binary mask R+ and
 * X+/X-) and the baselines it is compared with (WILDCAT alone, CAM,
 * Grad-CAM, Deep MIL), built from a config by `buildModel`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { PRESETS, withOverrides } from "@pointwise/core";
 * import { buildModel, Rng } from "@pointwise/core/model";
 * const net = buildModel(withOverrides(PRESETS.cpu, { width: 0.0625 }), ["benign", "malignant"], new Rng(0));
 * assert.ok(net.store.names().includes("headseg.to_modalities.weight"));
 * net.dispose();
 * ```
 * @module
 */
export { buildMinMaxNet, buildModel, isMinMax, netOptions } from "./build.ts";
export { classWeightedMap, type ForwardOutput, MinMaxNet, type NetOptions } from "./minmax_net.ts";
export { type BaselineMethod, BaselineNet } from "./baseline_net.ts";
export type { InferOutput, WslNet } from "./wsl_net.ts";
export { gradCam } from "./grad_cam.ts";
export { normalizeMap } from "./normalize_map.ts";
export { pseudoBinaryMask } from "./pseudo_binary_mask.ts";
export { upsampleMap } from "./upsample.ts";
export { Rng } from "../util/rng.ts";
