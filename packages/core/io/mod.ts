/**
 * Files in and out: safetensors (read and written), Pointwise checkpoints
 * (weights, config, classes, normalisation, training state), weights of the
 * reference and of torchvision and timm ResNets matched by naming scheme,
 * the reference layout for export, and telling file types apart.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { decodeSafetensors, encodeSafetensors } from "@pointwise/core/io";
 * const w = new Map([["w", { shape: [2], data: Float32Array.of(1, 2) }]]);
 * const back = decodeSafetensors(encodeSafetensors(w, { a: "b" }), "w.safetensors");
 * assert.deepEqual(Array.from(back.tensors.get("w")!.data), [1, 2]);
 * ```
 * @module
 */
export {
  decodeSafetensors,
  encodeSafetensors,
  type OtherTensor,
  type SafetensorsFile,
} from "./safetensors.ts";
export {
  type Checkpoint,
  decodeCheckpoint,
  encodeCheckpoint,
  type EpochRecord,
  type LossSummary,
  type TrainState,
} from "./checkpoint.ts";
export { hwioToOihw, oihwToHwio } from "./layout.ts";
export {
  type ImportOptions,
  importWeights,
  isBackboneParameter,
  WeightsMismatchError,
  type WeightsReport,
  type WeightsTarget,
} from "./import_weights.ts";
export { exportReferenceWeights, REFERENCE_WEIGHTS_FORMAT } from "./export_weights.ts";
export { inferArchitecture, type InferredArchitecture } from "./infer_architecture.ts";
export {
  internalName,
  NAMING_SCHEMES,
  type NamingScheme,
  REFERENCE_NAMING,
  TIMM_NAMING,
  TORCHVISION_NAMING,
} from "./naming/mod.ts";
export { FILE_TYPE_NAMES, type FileType, sniffFileType } from "./file_type.ts";
export { type ModelFormat, ModelFormatError, NotAPointwiseModelError } from "./model_errors.ts";
export type { NamedArray } from "../util/named_array.ts";
export { decodePytorch, isPytorch } from "./pytorch.ts";
export { decodeWeightsFile, weightsFormat } from "./weights_file.ts";
export {
  DownloadError,
  type DownloadOptions,
  downloadVerified,
  hashPrefixFromUrl,
  sha256Hex,
} from "./download.ts";
export {
  TORCHVISION_ARCHS,
  type TorchvisionArch,
  type TorchvisionWeights,
  torchvisionWeights,
  type WeightsVersion,
  weightsVersions,
} from "./torchvision_weights.ts";
export { decodeNpy, encodeNpy, isNpy, type NpyArray } from "./npy.ts";
export { decodeHeatmapPng, encodeHeatmapPng16, type HeatmapValues } from "./heatmap_png.ts";
