/**
 * The naming schemes weights can be imported from, by name.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { NAMING_SCHEMES, TORCHVISION_NAMING } from "./mod.ts";
 * assert.equal(NAMING_SCHEMES.torchvision, TORCHVISION_NAMING);
 * assert.deepEqual(Object.keys(NAMING_SCHEMES), ["reference", "torchvision", "timm"]);
 * ```
 * @module
 */
import { REFERENCE_NAMING } from "./reference.ts";
import type { NamingScheme } from "./scheme.ts";
import { TIMM_NAMING } from "./timm.ts";
import { TORCHVISION_NAMING } from "./torchvision.ts";

export { internalName, type NamingScheme } from "./scheme.ts";
export { REFERENCE_NAMING, TIMM_NAMING, TORCHVISION_NAMING };

/** Every scheme, by name. */
export const NAMING_SCHEMES: Readonly<Record<string, NamingScheme>> = {
  reference: REFERENCE_NAMING,
  torchvision: TORCHVISION_NAMING,
  timm: TIMM_NAMING,
};
