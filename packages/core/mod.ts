/**
 * Pointwise core: weakly supervised pointwise localization with the min-max
 * entropy method. A model learns from image-level labels to classify an image
 * and to mark, pixel by pixel, the regions its decision rests on.
 *
 * Data flows one way: bytes -> image -> tensor -> model -> mask -> metrics.
 * Everything here uses web-standard APIs only; file access is injected.
 *
 * @example
 * ```ts ignore
 * import { initBackend, load, decodeImage } from "@pointwise/core";
 * await initBackend();
 * const localizer = await load(await Deno.readFile("runs/synthetic/best.safetensors"));
 * const prediction = await localizer.predict(await decodeImage(bytes, "slide.png"));
 * localizer.dispose();
 * ```
 * @module
 */
export { tf } from "./runtime/tf.ts";
export {
  BACKEND_SETTINGS,
  type BackendChoice,
  type BackendName,
  type BackendSetting,
  env,
  initBackend,
  probeWebGpu,
  resolveBackend,
} from "./runtime/backend.ts";
export { registerWasmTrainingKernels, wasmTrainingKernels } from "./runtime/wasm_kernels/mod.ts";

export {
  type Config,
  CONFIG_FIELDS,
  type FieldSpec,
  type PresetName,
  PRESETS,
  toFlag,
  validateConfig,
  withOverrides,
} from "./config/config.ts";

export { Rng } from "./util/rng.ts";

export {
  type BinaryMask,
  decodeImage,
  decodeMask,
  encodeMaskPng,
  encodePng,
  type RgbImage,
} from "./data/image.ts";
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
export { colorJitter, type JitterOptions } from "./data/color_jitter.ts";
export { cropBack, padAmounts, padForInference } from "./data/padding.ts";
export {
  SYNTHETIC_CLASSES,
  syntheticDataset,
  type SyntheticOptions,
  syntheticSample,
} from "./data/synthetic.ts";

export { type NamedArray, ParamStore } from "./nn/module.ts";
export { stopGradient } from "./nn/stop_gradient.ts";
export { topK, wildcatPooling } from "./nn/wildcat_pooling.ts";
export {
  type Arch,
  ARCHS,
  type ForwardOutput,
  MinMaxNet,
  type NetOptions,
} from "./model/minmax_net.ts";
export { pseudoBinaryMask } from "./model/pseudo_binary_mask.ts";
export { buildNet, netOptions } from "./model/build.ts";
export { load, Localizer, type Prediction } from "./model/localizer.ts";

export { crossEntropy, crossEntropyPerSample, uniformCrossEntropy } from "./train/losses.ts";
export { erasingTrust } from "./train/erasing.ts";
export { Sgd, type SgdOptions } from "./train/sgd.ts";
export { learningRate } from "./train/lr_schedule.ts";
export { type Batch, type StepLosses, trainStep } from "./train/train_step.ts";
export {
  DivergedError,
  type EpochEvent,
  type EpochRecord,
  type LossSummary,
  type StepEvent,
  Trainer,
  type TrainerOptions,
} from "./train/trainer.ts";

export { dice, f1PosNeg } from "./metrics/dice.ts";
export { PxapAccumulator } from "./metrics/pxap.ts";
export { BestThresholdAccumulator } from "./metrics/best_threshold.ts";
export {
  type EvaluatedImage,
  LocalizationMetrics,
  type MetricsSummary,
} from "./metrics/localization_metrics.ts";
export { evaluate, type ImageResult } from "./eval/evaluate.ts";
export { constantMaskScores } from "./eval/baselines.ts";

export { decodeSafetensors, encodeSafetensors, type SafetensorsFile } from "./io/safetensors.ts";
export {
  type Checkpoint,
  decodeCheckpoint,
  encodeCheckpoint,
  NORMALIZATION,
  type Normalization,
  type TrainState,
} from "./io/checkpoint.ts";

export { comparisonPanel, heatmapOverlay } from "./viz/overlay.ts";
export { colormap } from "./viz/colormap.ts";
export { hwioToOihw, oihwToHwio } from "./io/layout.ts";
export {
  type ImportOptions,
  importWeights,
  isBackboneParameter,
  type WeightsReport,
  type WeightsTarget,
} from "./io/import_weights.ts";
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
export { UPSAMPLE_MODES, upsampleMap, type UpsampleMode } from "./model/upsample.ts";
