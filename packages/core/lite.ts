/**
 * The part of Pointwise that deployment needs and that loads no tensor
 * library: the model interface and its predictions, image decoding and the
 * pictures of a prediction, the input normalisation, configs, checkpoint
 * reading, file-type detection, the backend setting, and the image-level
 * steps that turn a model's class maps into its map (`class_maps.ts`). The ONNX runtime,
 * the HTTP service and the Web Worker import this entry point only.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { makePrediction, summarizePrediction } from "@pointwise/core/lite";
 * const p = makePrediction({ width: 2, height: 1, mask: Float32Array.of(0.9, 0.1),
 *   logits: [0.1, 1.2], classes: ["a", "b"], threshold: 0.5 });
 * assert.equal(summarizePrediction(p, ["a", "b"]).class, "b");
 * ```
 * @module
 */
export type { Localizer, RuntimeInfo } from "./inference/localizer.ts";
export {
  blendColumns,
  blendRows,
  type ClassMaps,
  classWeights,
  imageMap,
  inputTaps,
  type MapHead,
  mapHeadOf,
  type MapHeadSettings,
  type MapOutput,
  mapValueFn,
  weightedMap,
  wildcatScores,
} from "./model/class_maps.ts";
export {
  makePrediction,
  type Prediction,
  type RawPrediction,
  softmax,
  withThreshold,
} from "./inference/prediction.ts";
export {
  HEATMAP_FORMATS,
  heatmapFile,
  type HeatmapFormat,
  maskPng,
  overlayPicture,
  overlayPng,
  type PredictionPictures,
  predictionPictures,
  type PredictionSummary,
  summarizePrediction,
} from "./inference/prediction_files.ts";

export {
  type BinaryMask,
  decodeImage,
  type DecodeOptions,
  DEFAULT_MAX_PIXELS,
  ImageTooLargeError,
  type RgbImage,
} from "./data/image.ts";
export { DecoderUnavailableError, UnsupportedImageError } from "./data/codecs.ts";
export {
  encodeImage,
  encodeMaskPng,
  encodePng,
  EncoderUnavailableError,
  IMAGE_EXTENSIONS,
  IMAGE_FORMATS,
  IMAGE_MEDIA_TYPES,
  type ImageFormat,
} from "./data/encode.ts";
export { type ImageHeader, readImageHeader } from "./data/image_header.ts";
export { cropBack, padImage } from "./data/padding.ts";
export {
  NORMALIZATION,
  type Normalization,
  normalizationProblem,
  normalizeChw,
} from "./data/normalize.ts";
export { restoreMapSize, scaleImage } from "./data/rescale.ts";

export { type Config, CONFIG_FIELDS, type FieldSpec } from "./config/config.ts";
export { type PresetName, PRESETS } from "./config/presets.ts";
export {
  ConfigError,
  type ConfigProblem,
  validateConfig,
  withLaterFields,
  withOverrides,
} from "./config/validate_config.ts";
export {
  CLASS_MAP_KINDS,
  MAP_KINDS,
  MAP_LABELS,
  type MapKind,
  type MapRequest,
  MapRequestError,
  METHOD_MAPS,
  parseMapKind,
  resolveMapRequest,
} from "./config/map_kinds.ts";
export {
  type Arch,
  ARCHS,
  BACKBONE_GRADS,
  type BackboneGrad,
  type Method,
  METHODS,
  OUTPUT_STRIDES,
  UPSAMPLE_MODES,
  type UpsampleMode,
} from "./config/options.ts";

export { type Checkpoint, decodeCheckpoint } from "./io/checkpoint.ts";
export { FILE_TYPE_NAMES, type FileType, sniffFileType } from "./io/file_type.ts";
export { type ModelFormat, ModelFormatError, NotAPointwiseModelError } from "./io/model_errors.ts";

export { quietNodeWorkers } from "./backend/node_workers.ts";
export {
  assetUrl,
  BACKEND_SETTINGS,
  type BackendName,
  type BackendSetting,
  env,
} from "./config/env.ts";
export {
  type BackendChoice,
  checkSetting,
  defaultThreads,
  probeWebGpu,
  resolveBackend,
  UnsupportedBackendError,
  type WebGpuProbe,
} from "./backend/select.ts";
export { encodeBase64 } from "./util/base64.ts";
