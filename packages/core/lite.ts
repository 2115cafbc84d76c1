/**
 * The parts of Pointwise that need no TensorFlow.js: image codecs, split
 * files and datasets, augmentation, synthetic data, metrics, overlays,
 * configs, checkpoints and weight files, the prediction type and backend
 * selection. Deployment code (the ONNX runtime, workers) imports this entry
 * point and never loads a tensor library it does not use.
 *
 * @example
 * ```ts ignore
 * import { decodeImage, heatmapOverlay } from "@pointwise/core/lite";
 * const image = await decodeImage(bytes, "slide.png");
 * ```
 * @module
 */
export {
  BACKEND_SETTINGS,
  type BackendChoice,
  type BackendName,
  type BackendSetting,
  checkSetting,
  defaultThreads,
  env,
  type OrtChoice,
  probeWebGpu,
  resolveBackend,
  resolveOrtProvider,
  type WebGpuProbe,
} from "./backend/select.ts";

export {
  type Config,
  CONFIG_FIELDS,
  ConfigError,
  type ConfigProblem,
  type FieldSpec,
  type PresetName,
  PRESETS,
  validateConfig,
  withLaterFields,
  withOverrides,
} from "./config/config.ts";
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
export {
  makePrediction,
  type Prediction,
  type RawPrediction,
  softmax,
} from "./inference/prediction.ts";

export { Rng } from "./util/rng.ts";
export { encodeBase64 } from "./util/base64.ts";

export {
  type BinaryMask,
  decodeImage,
  decodeMask,
  encodeMaskPng,
  encodePng,
  type RgbImage,
} from "./data/image.ts";
export { type ImageHeader, readImageHeader } from "./data/image_header.ts";
export {
  clutteredDigits,
  type ClutteredDigitsOptions,
  DIGIT_SIDE,
  DIGIT_SPLITS,
  type DigitSource,
} from "./data/cluttered_digits.ts";
export { loadMnist } from "./data/mnist_source.ts";
export { DecoderUnavailableError } from "./data/codecs.ts";
export { parseSplitCsv, type SplitRow } from "./data/csv.ts";
export {
  classesFromLabels,
  type Dataset,
  loadSplit,
  type LoadSplitOptions,
  type ReadFile,
  type Sample,
} from "./data/dataset.ts";
export { augment, type AugmentOptions } from "./data/augment.ts";
export {
  resample,
  restoreMapSize,
  scaleDataset,
  scaledSize,
  scaleImage,
  scaleMask,
} from "./data/rescale.ts";
export {
  NORMALIZATION,
  type Normalization,
  normalizationProblem,
  normalizeChw,
  normalizeInto,
} from "./data/normalize.ts";
export { colorJitter, type JitterOptions } from "./data/color_jitter.ts";
export { cropBack, cropStart, padAmounts, padForInference, reflectIndex } from "./data/padding.ts";
export {
  SYNTHETIC_CLASSES,
  syntheticDataset,
  type SyntheticOptions,
  syntheticSample,
} from "./data/synthetic.ts";

export { dice, f1PosNeg } from "./metrics/dice.ts";
export { PxapAccumulator } from "./metrics/pxap.ts";
export { BestThresholdAccumulator } from "./metrics/best_threshold.ts";
export {
  type EvaluatedImage,
  LocalizationMetrics,
  type MetricsSummary,
} from "./metrics/localization_metrics.ts";
export { constantMaskScores } from "./eval/floors.ts";

export type { NamedArray } from "./util/named_array.ts";
export {
  decodeSafetensors,
  encodeSafetensors,
  type OtherTensor,
  type SafetensorsFile,
} from "./io/safetensors.ts";
export {
  type Checkpoint,
  CHECKPOINT_FORMAT,
  decodeCheckpoint,
  encodeCheckpoint,
  type TrainState,
} from "./io/checkpoint.ts";
export { hwioToOihw, oihwToHwio } from "./io/layout.ts";
export {
  type ImportOptions,
  importWeights,
  isBackboneParameter,
  WeightsMismatchError,
  type WeightsReport,
  type WeightsTarget,
} from "./io/import_weights.ts";
export { backboneFromCheckpoint, POINTWISE_NAMING } from "./io/import_checkpoint.ts";
export { exportReferenceWeights, REFERENCE_WEIGHTS_FORMAT } from "./io/export_weights.ts";
export { inferArchitecture, type InferredArchitecture } from "./io/infer_architecture.ts";
export {
  internalName,
  NAMING_SCHEMES,
  type NamingScheme,
  REFERENCE_NAMING,
  TIMM_NAMING,
  TORCHVISION_NAMING,
} from "./io/naming/mod.ts";

export { comparisonPanel, drawOutline, groundTruthView, heatmapOverlay } from "./viz/overlay.ts";
export { type FigureOptions, type FigureRow, methodFigure } from "./viz/method_figure.ts";
export { drawText, textWidth } from "./viz/bitmap_font.ts";
export { colormap } from "./viz/colormap.ts";
export { shrinkToWidth } from "./viz/shrink.ts";
export {
  htmlReport,
  type ReportEpoch,
  type ReportImage,
  type ReportInput,
} from "./report/html_report.ts";
export { binCounts, histogram, lineChart, type Series } from "./report/svg_charts.ts";

export { exportOnnx, ONNX_FORMAT, ONNX_IR_VERSION, ONNX_OPSET } from "./onnx/export_onnx.ts";
