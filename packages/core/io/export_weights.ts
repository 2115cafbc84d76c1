/**
 * Writes a model's weights under the reference implementation's names and
 * PyTorch's layouts (OIHW filters), with the mask buffers `w` and `sigma`, so
 * that the authors' code can `load_state_dict` them. Architecture, classes,
 * normalisation and the full config go into the safetensors metadata.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { PRESETS } from "../config/presets.ts";
 * import { exportReferenceWeights } from "./export_weights.ts";
 * import { decodeSafetensors } from "./safetensors.ts";
 * // An HWIO filter of the model becomes PyTorch's OIHW, beside the mask's w and sigma.
 * const weights = new Map([["conv1.weight", { shape: [1, 1, 3, 2], data: new Float32Array(6) }]]);
 * const bytes = exportReferenceWeights({ config: PRESETS.cpu, classes: ["a", "b"], weights });
 * const { tensors, metadata } = decodeSafetensors(bytes, "model.safetensors");
 * assert.deepEqual(tensors.get("conv1.weight")?.shape, [2, 3, 1, 1]);
 * assert.deepEqual(Array.from(tensors.get("w")!.data), [PRESETS.cpu.maskW]);
 * assert.equal(metadata.naming, "reference");
 * ```
 * @module
 */
import type { NamedArray } from "../util/named_array.ts";
import { NORMALIZATION } from "../data/normalize.ts";
import type { Checkpoint } from "./checkpoint.ts";
import { hwioToOihw } from "./layout.ts";
import { encodeSafetensors } from "./safetensors.ts";

/** Marks files written by {@link exportReferenceWeights}. */
export const REFERENCE_WEIGHTS_FORMAT = "pointwise-reference-weights";

/**
 * Safetensors bytes of the checkpoint's weights in the reference naming.
 *
 * @param c a min-max model's checkpoint.
 * @returns the safetensors bytes.
 * @throws {Error} for a baseline, which the reference layout cannot hold.
 */
export function exportReferenceWeights(c: Checkpoint): Uint8Array {
  if (c.config.method !== "minmax") {
    throw new Error(
      `the reference layout holds min-max models, not the '${c.config.method}' baseline`,
    );
  }
  const tensors = new Map<string, NamedArray>();
  for (const [name, t] of c.weights) tensors.set(name, hwioToOihw(t));
  tensors.set("w", { shape: [1], data: Float32Array.of(c.config.maskW) });
  tensors.set("sigma", { shape: [1], data: Float32Array.of(c.config.maskSigma) });
  return encodeSafetensors(tensors, {
    format: REFERENCE_WEIGHTS_FORMAT,
    naming: "reference",
    arch: c.config.arch,
    deep_stem: String(c.config.deepStem),
    width: String(c.config.width),
    modalities: String(c.config.modalities),
    classes: JSON.stringify(c.classes),
    normalization: JSON.stringify(c.normalization ?? NORMALIZATION),
    config: JSON.stringify(c.config),
  });
}
