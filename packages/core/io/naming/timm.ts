/**
 * timm's ResNet names (`timm.create_model("resnet50")` ...): the same as
 * torchvision's for the standard ResNets; the classifier `fc.*` is skipped.
 * timm's deep-stem "d" variants average-pool in their shortcuts, which this
 * architecture does not have; their names do not match and are reported.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { internalName } from "./scheme.ts";
 * import { TIMM_NAMING } from "./timm.ts";
 * assert.equal(internalName(TIMM_NAMING, "bn1.running_var"), "bn1.running_var");
 * // A "d" variant's average-pooled shortcut is not this architecture's: unknown.
 * assert.equal(internalName(TIMM_NAMING, "layer2.0.downsample.1.weight"), "layer2.0.downsample.1.weight");
 * assert.equal(internalName(TIMM_NAMING, "layer2.0.downsample.2.weight"), undefined);
 * ```
 * @module
 */
import { BACKBONE_RULES, type NamingScheme } from "./scheme.ts";

/** Naming of timm's standard ResNets. */
export const TIMM_NAMING: NamingScheme = {
  name: "timm",
  description: "timm resnet18/34/50/101 (fc.* is skipped)",
  rules: [...BACKBONE_RULES, { from: /^fc\.(?:weight|bias)$/, to: null }],
};
