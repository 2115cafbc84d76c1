/**
 * Reads a ResNet's architecture off its tensor names and shapes (PyTorch
 * naming and layout): deep or 7x7 stem, basic or bottleneck blocks, blocks
 * per stage, width, and the heads' output channels when present.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { inferArchitecture } from "./infer_architecture.ts";
 * // Names and shapes are all it reads: a torchvision ResNet-18 at a quarter width.
 * const tensors = new Map([["conv1.weight", { shape: [16, 3, 7, 7], data: new Float32Array(0) }]]);
 * for (const layer of [1, 2, 3, 4]) {
 *   for (const block of [0, 1]) {
 *     tensors.set(`layer${layer}.${block}.conv1.weight`, { shape: [1], data: new Float32Array(0) });
 *   }
 * }
 * assert.deepEqual(inferArchitecture(tensors, "model.safetensors"), {
 *   arch: "resnet18",
 *   deepStem: false,
 *   width: 0.25,
 *   headChannels: undefined,
 * });
 * ```
 * @module
 */
import type { Arch } from "../config/options.ts";
import type { NamedArray } from "../util/named_array.ts";

/** What the tensors say about the network. */
export interface InferredArchitecture {
  arch: Arch;
  deepStem: boolean;
  width: number;
  /** Output channels of `headseg.to_modalities` (classes x modalities), if present. */
  headChannels?: number;
}

const DEPTHS: Record<string, Arch> = {
  "basic:2,2,2,2": "resnet18",
  "basic:3,4,6,3": "resnet34",
  "bottleneck:3,4,6,3": "resnet50",
  "bottleneck:3,4,23,3": "resnet101",
};

/**
 * Infers the architecture; throws naming the file when it is not a supported ResNet.
 *
 * @param tensors the file's tensors, by PyTorch name.
 * @param fileName the file, for errors.
 * @returns the architecture, stem, width and the head's channels.
 * @throws {Error} naming the file when it is not a ResNet-18/34/50/101.
 */
export function inferArchitecture(
  tensors: Map<string, NamedArray>,
  fileName: string,
): InferredArchitecture {
  const conv1 = tensors.get("conv1.weight");
  if (conv1 === undefined || conv1.shape.length !== 4) {
    throw new Error(
      `${fileName}: no conv1.weight filter, so this is not a ResNet under this naming`,
    );
  }
  const deepStem = tensors.has("conv3.weight") && tensors.has("conv2.weight");
  const bottleneck = tensors.has("layer1.0.conv3.weight");
  const blocks = [1, 2, 3, 4].map((l) => {
    const ids = new Set<number>();
    for (const name of tensors.keys()) {
      const m = new RegExp(`^layer${l}\\.(\\d+)\\.`).exec(name);
      if (m) ids.add(Number(m[1]));
    }
    return ids.size;
  });
  if (blocks.every((n) => n === 0)) {
    throw new Error(
      `${fileName}: no layer1-layer4 blocks, so this is not a whole ResNet under this naming`,
    );
  }
  const key = `${bottleneck ? "bottleneck" : "basic"}:${blocks.join(",")}`;
  const arch = DEPTHS[key];
  if (arch === undefined) {
    throw new Error(
      `${fileName}: ${bottleneck ? "bottleneck" : "basic"} blocks per stage ${
        blocks.join("/")
      } are not ResNet-18/34/50/101`,
    );
  }
  const head = tensors.get("headseg.to_modalities.weight");
  return {
    arch,
    deepStem,
    width: conv1.shape[0] / 64,
    headChannels: head?.shape[0],
  };
}
