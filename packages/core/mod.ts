/**
 * Pointwise core: weakly supervised pointwise localization with the min-max
 * entropy method. A model learns from image-level labels to classify an image
 * and to mark, pixel by pixel, the regions its decision rests on.
 *
 * Data flows one way: bytes -> image -> tensor -> model -> mask -> metrics.
 * Everything here uses web-standard APIs only; file access is injected. This
 * entry point adds the TensorFlow.js parts (model, training, inference) to
 * the tensor-free ones of `@pointwise/core/lite`.
 *
 * @example
 * ```ts ignore
 * import { decodeImage, initBackend, load } from "@pointwise/core";
 * await initBackend();
 * const localizer = await load(await Deno.readFile("runs/synthetic/best.safetensors"));
 * const prediction = await localizer.predict(await decodeImage(bytes, "slide.png"));
 * localizer.dispose();
 * ```
 * @module
 */
export * from "./lite.ts";

export { tf } from "./backend/tf.ts";
export { initBackend } from "./backend/backend.ts";
export { wasmThreadsInUse } from "./backend/wasm_threads.ts";
export { registerWasmTrainingKernels, wasmTrainingKernels } from "./backend/wasm_kernels/mod.ts";

export { ParamStore } from "./nn/module.ts";
export { stopGradient } from "./nn/stop_gradient.ts";
export { topK, wildcatPooling } from "./nn/wildcat_pooling.ts";
export { type ForwardOutput, MinMaxNet, type NetOptions } from "./model/minmax_net.ts";
export { pseudoBinaryMask } from "./model/pseudo_binary_mask.ts";
export { upsampleMap } from "./model/upsample.ts";
export { buildModel, buildNet, isMinMax, netOptions } from "./model/build.ts";
export { type BaselineMethod, BaselineNet } from "./model/baseline_net.ts";
export type { InferOutput, WslNet } from "./model/wsl_net.ts";
export { gradCam } from "./model/grad_cam.ts";
export { normalizeMap } from "./model/normalize_map.ts";
export { CamHead } from "./nn/cam_head.ts";
export { AttentionMilPooling } from "./nn/attention_mil_pooling.ts";
export { load, Localizer } from "./inference/tfjs_localizer.ts";

export { crossEntropy, crossEntropyPerSample, uniformCrossEntropy } from "./train/losses.ts";
export { erasingTrust } from "./train/erasing.ts";
export { Sgd, type SgdOptions } from "./train/sgd.ts";
export { learningRate } from "./train/lr_schedule.ts";
export { type Batch, type StepLosses, trainStep } from "./train/train_step.ts";
export { baselineStep } from "./train/baseline_step.ts";
export {
  DivergedError,
  type EpochEvent,
  type EpochRecord,
  type LossSummary,
  type StepEvent,
  Trainer,
  type TrainerOptions,
} from "./train/trainer.ts";
export { evaluate, type ImageResult } from "./eval/evaluate.ts";
