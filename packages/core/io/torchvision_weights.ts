/**
 * torchvision's ImageNet weights for the backbones Pointwise builds, at their
 * official download URLs. PyTorch publishes no full sha256 for them: the
 * file names carry the first 8 hex digits of it, which torch.hub checks
 * (`check_hash=True`), and so do we. The full sha256 of what was downloaded
 * is recorded in the converted file's metadata.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { torchvisionWeights } from "./torchvision_weights.ts";
 * assert.equal(
 *   torchvisionWeights("resnet50", "v1").url,
 *   "https://download.pytorch.org/models/resnet50-0676ba61.pth",
 * );
 * ```
 * @module
 */
import { hashPrefixFromUrl } from "./download.ts";

/** The backbones with published ImageNet weights. */
export const TORCHVISION_ARCHS = ["resnet18", "resnet50", "resnet101"] as const;
/** One backbone of {@link TORCHVISION_ARCHS}. */
export type TorchvisionArch = typeof TORCHVISION_ARCHS[number];
/** torchvision's weight versions: IMAGENET1K_V1 (the original) and IMAGENET1K_V2. */
export type WeightsVersion = "v1" | "v2";

/** One published weight file. */
export interface TorchvisionWeights {
  arch: TorchvisionArch;
  version: WeightsVersion;
  /** torchvision's enum name, e.g. `ResNet50_Weights.IMAGENET1K_V1`. */
  enumName: string;
  url: string;
  /** The sha256 prefix from the file name. */
  sha256Prefix: string;
}

const BASE = "https://download.pytorch.org/models/";
const FILES: Record<TorchvisionArch, Partial<Record<WeightsVersion, string>>> = {
  resnet18: { v1: "resnet18-f37072fd.pth" },
  resnet50: { v1: "resnet50-0676ba61.pth", v2: "resnet50-11ad3fa6.pth" },
  resnet101: { v1: "resnet101-63fe2227.pth", v2: "resnet101-cd907fc2.pth" },
};
const ENUM: Record<TorchvisionArch, string> = {
  resnet18: "ResNet18_Weights",
  resnet50: "ResNet50_Weights",
  resnet101: "ResNet101_Weights",
};

/**
 * The versions published for `arch`.
 *
 * @param arch the architecture.
 */
export function weightsVersions(arch: TorchvisionArch): WeightsVersion[] {
  return Object.keys(FILES[arch]) as WeightsVersion[];
}

/**
 * The published file of `arch` at `version`; throws when there is none.
 *
 * @param arch the architecture.
 * @param version the weights' version.
 * @returns the file's address, its sha256 prefix and its name.
 */
export function torchvisionWeights(
  arch: TorchvisionArch,
  version: WeightsVersion = "v1",
): TorchvisionWeights {
  const file = FILES[arch]?.[version];
  if (file === undefined) {
    const known = FILES[arch] ? weightsVersions(arch).join(", ") : "none";
    throw new Error(`torchvision publishes no ${version} weights for ${arch} (versions: ${known})`);
  }
  const url = BASE + file;
  return {
    arch,
    version,
    enumName: `${ENUM[arch]}.IMAGENET1K_${version.toUpperCase()}`,
    url,
    sha256Prefix: hashPrefixFromUrl(url)!,
  };
}
