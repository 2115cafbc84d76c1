/**
 * Training, in TensorFlow.js: the losses (L_seg, L_pos, L_neg), recursive
 * erasing, SGD with Nesterov momentum and coupled weight decay, the
 * reference's step schedule, one min-max or baseline step, and the
 * `Trainer` loop with validation, model selection and exact resume.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { learningRate } from "@pointwise/core/train";
 * // The reference's step schedule: x0.1 every 40 epochs, after epoch 0.
 * const s = { lr: 1e-3, lrStep: 40, lrGamma: 0.1, minLr: 1e-7, warmupSteps: 0 };
 * assert.deepEqual([0, 40, 41].map((e) => learningRate(s, e, 0)), [1e-3, 1e-3, 1e-3 * 0.1]);
 * ```
 * @module
 */
export { crossEntropy, crossEntropyPerSample, uniformCrossEntropy } from "./losses.ts";
export { erasingTrust } from "./erasing.ts";
export { Sgd, type SgdOptions } from "./sgd.ts";
export { learningRate } from "./lr_schedule.ts";
export { type Batch, type StepLosses, trainStep } from "./train_step.ts";
export { baselineStep } from "./baseline_step.ts";
export {
  DivergedError,
  type EpochEvent,
  type StepEvent,
  Trainer,
  type TrainerOptions,
} from "./trainer.ts";
