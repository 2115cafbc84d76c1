/**
 * Pointwise core: weakly supervised pointwise localization with the min-max
 * entropy method. A model learns from image-level labels to classify an
 * image and to mark, pixel by pixel, the regions its decision rests on.
 *
 * Data flows one way: bytes, image, tensor, model, mask, metrics, files.
 * Everything here uses web-standard APIs only; file access is injected.
 * This entry point adds the TensorFlow.js parts (training, the tfjs
 * localizer, evaluation) to `@pointwise/core/lite`; the subpaths `./data`,
 * `./metrics`, `./eval`, `./io`, `./onnx`, `./viz`, `./report`, `./model`,
 * `./train` and `./tf` give each room's full surface. To run a saved model,
 * use `load()` of `@pointwise/runtime`, which picks the runtime.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { initBackend, PRESETS, Trainer, withOverrides } from "@pointwise/core";
 * import { syntheticDataset } from "@pointwise/core/data";
 * await initBackend("wasm");
 * // One epoch of a tiny network on a few small images (seconds); the cpu preset is `deno task train`.
 * const config = withOverrides(PRESETS.cpu, { epochs: 1, width: 0.0625, modalities: 2, batchSize: 4,
 *   crop: 32, warmupSteps: 0, eraseTimes: 0 });
 * const train = syntheticDataset({ count: 8, size: 32, classes: 2, seed: 1 });
 * const valid = syntheticDataset({ count: 2, size: 32, classes: 2, seed: 2 });
 * const trainer = new Trainer({ config, train, valid });
 * const [epoch] = await trainer.run();
 * assert.equal(epoch.valid.images, 2);
 * trainer.dispose();
 * ```
 * @module
 */
export * from "./lite.ts";

export { initBackend } from "./backend/backend.ts";
export { TfjsLocalizer } from "./inference/tfjs_localizer.ts";
export { buildModel } from "./model/build.ts";
export { Rng } from "./util/rng.ts";
export {
  DivergedError,
  type EpochEvent,
  type StepEvent,
  Trainer,
  type TrainerOptions,
} from "./train/trainer.ts";
export { evaluate, type EvaluateOptions, type ImageResult } from "./eval/evaluate.ts";
export { constantMaskScores } from "./eval/floors.ts";
export { encodeCheckpoint, type EpochRecord, type LossSummary } from "./io/checkpoint.ts";
export type { MetricsSummary } from "./metrics/localization_metrics.ts";
export type { Dataset, Sample } from "./data/dataset.ts";
