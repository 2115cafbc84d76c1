/**
 * timm's ResNet names (`timm.create_model("resnet50")` ...): the same as
 * torchvision's for the standard ResNets; the classifier `fc.*` is skipped.
 * timm's deep-stem "d" variants average-pool in their shortcuts, which this
 * architecture does not have; their names do not match and are reported.
 *
 * @example
 * ```ts ignore
 * importWeights(file, TIMM_NAMING, net.store, { fileName, scope: isBackbone });
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
