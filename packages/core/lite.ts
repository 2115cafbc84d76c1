/**
 * The part of Pointwise that deployment needs and that loads no tensor
 * library: the model interface and its predictions, image decoding and the
 * pictures of a prediction, the input normalisation, configs, checkpoint
 * reading, file-type detection and the backend setting. The ONNX runtime,
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
  makePrediction,
  type Prediction,
  type RawPrediction,
  softmax,
} from "./inference/prediction.ts";
export {
  maskPng,
  overlayPicture,
  overlayPng,
  type PredictionPictures,
  predictionPictures,
  type PredictionSummary,
  summarizePrediction,
} from "./inference/prediction_files.ts";

export { type BinaryMask, decodeImage, type RgbImage } from "./data/image.ts";
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
export {
  NORMALIZATION,
  type Normalization,
  normalizationProblem,
  normalizeChw,
} from "./data/normalize.ts";

export {
  type Config,
  CONFIG_FIELDS,
  ConfigError,
  type ConfigProblem,
  type FieldSpec,
  type PresetName,
  PRESETS,
  validateConfig,
  withOverrides,
} from "./config/config.ts";
export {
  type Arch,
  ARCHS,
  type Method,
  METHODS,
  UPSAMPLE_MODES,
  type UpsampleMode,
} from "./config/options.ts";

export { type Checkpoint, decodeCheckpoint } from "./io/checkpoint.ts";
export { FILE_TYPE_NAMES, type FileType, sniffFileType } from "./io/file_type.ts";
export { type ModelFormat, ModelFormatError, NotAPointwiseModelError } from "./io/model_errors.ts";

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
