/**
 * torchvision's ResNet names (`torchvision.models.resnet18` ...): the 7x7
 * stem `conv1`/`bn1`, `layer1..4` with `downsample.0/1`; its ImageNet
 * classifier `fc.*` is skipped.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { internalName } from "./scheme.ts";
 * import { TORCHVISION_NAMING } from "./torchvision.ts";
 * assert.equal(internalName(TORCHVISION_NAMING, "layer4.1.bn2.weight"), "layer4.1.bn2.weight");
 * assert.equal(internalName(TORCHVISION_NAMING, "fc.bias"), null); // the ImageNet classifier
 * ```
 * @module
 */
import { BACKBONE_RULES, type NamingScheme } from "./scheme.ts";

/** Naming of torchvision ResNets. */
export const TORCHVISION_NAMING: NamingScheme = {
  name: "torchvision",
  description: "torchvision ResNet-18/34/50/101 (fc.* is skipped)",
  rules: [...BACKBONE_RULES, { from: /^fc\.(?:weight|bias)$/, to: null }],
};
