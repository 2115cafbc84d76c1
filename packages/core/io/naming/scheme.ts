/**
 * How a family of checkpoints names a model's tensors: rules from an
 * external name to a Pointwise parameter name (first match wins; `$1` refers
 * to the first group), `null` for tensors that are known but not parameters
 * (skipped), and tensors that carry a setting rather than a weight.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { internalName } from "./scheme.ts";
 * import { TORCHVISION_NAMING } from "./torchvision.ts";
 * const name = "layer1.0.downsample.0.weight";
 * assert.equal(internalName(TORCHVISION_NAMING, name), name); // the same name
 * assert.equal(internalName(TORCHVISION_NAMING, "fc.weight"), null); // known, skipped
 * assert.equal(internalName(TORCHVISION_NAMING, "head.weight"), undefined); // unknown
 * ```
 * @module
 */

/** A tensor naming convention. */
export interface NamingScheme {
  name: string;
  description: string;
  rules: readonly { from: RegExp; to: string | null }[];
  /** Tensors holding a mask setting: external name -> config field. */
  settings?: Readonly<Record<string, "maskW" | "maskSigma">>;
}

/**
 * Internal name of `external`; null when skipped, undefined when unknown.
 *
 * @param scheme the naming scheme.
 * @param external the file's tensor name.
 */
export function internalName(scheme: NamingScheme, external: string): string | null | undefined {
  for (const rule of scheme.rules) {
    const m = rule.from.exec(external);
    if (m === null) continue;
    return rule.to === null ? null : rule.to.replace(/\$(\d)/g, (_, i) => m[Number(i)]);
  }
  return undefined;
}

const BN = "(?:weight|bias|running_mean|running_var)";

/** The ResNet backbone's names, shared by the reference, torchvision and timm. */
export const BACKBONE_RULES: readonly { from: RegExp; to: string | null }[] = [
  { from: /^.*\.num_batches_tracked$/, to: null },
  { from: new RegExp(`^(conv[123]\\.weight|bn[123]\\.${BN})$`), to: "$1" },
  {
    from: new RegExp(
      `^(layer[1-4]\\.\\d+\\.(?:conv[123]\\.weight|bn[123]\\.${BN}|downsample\\.0\\.weight|downsample\\.1\\.${BN}))$`,
    ),
    to: "$1",
  },
];
