/**
 * Training, in TensorFlow.js: the losses (L_seg, L_pos, L_neg), recursive
 * erasing, SGD with Nesterov momentum and coupled weight decay, the
 * reference's step schedule, one min-max or baseline step, and the
 * `Trainer` loop with validation, model selection and exact resume.
 *
 * @example
 * ```ts ignore
 * import { Trainer } from "@pointwise/core/train";
 * const trainer = new Trainer({ config, train, valid, onEpoch: (e) => save(e) });
 * await trainer.run();
 * trainer.dispose();
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
