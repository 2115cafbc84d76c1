/**
 * The reference implementation's names: the deep-stem ResNet (`conv1..3`,
 * `bn1..3`, `layer1..4`), the two WILDCAT heads (`headseg.to_modalities.*`,
 * `cl32.to_modalities.*`) and the mask buffers `w` and `sigma`. Pointwise
 * uses the same names internally, so the table is one-to-one. The CSAIL
 * deep-stem ImageNet checkpoints use the same backbone names (their `fc.*`
 * is skipped).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { REFERENCE_NAMING } from "./reference.ts";
 * import { internalName } from "./scheme.ts";
 * assert.equal(internalName(REFERENCE_NAMING, "cl32.to_modalities.bias"), "cl32.to_modalities.bias");
 * assert.equal(REFERENCE_NAMING.settings?.sigma, "maskSigma"); // a setting, not a weight
 * ```
 * @module
 */
import { BACKBONE_RULES, type NamingScheme } from "./scheme.ts";

/** Naming of the authors' PyTorch model (`state_dict()` of their ResNet). */
export const REFERENCE_NAMING: NamingScheme = {
  name: "reference",
  description: "the authors' min-max model: deep-stem ResNet, headseg, cl32, w, sigma",
  rules: [
    ...BACKBONE_RULES,
    { from: /^((?:headseg|cl32)\.to_modalities\.(?:weight|bias))$/, to: "$1" },
    // The CSAIL ImageNet ResNets the reference starts from carry a classifier.
    { from: /^fc\.(?:weight|bias)$/, to: null },
  ],
  settings: { w: "maskW", sigma: "maskSigma" },
};
