/**
 * Gradient kernels that make the wasm backend able to train: the missing
 * `Conv2DBackpropFilter`, a fast `Conv2DBackpropInput`, a correct
 * `MaxPoolGrad`, fused train-mode batch normalisation and a fused SGD step.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { tf } from "../tf.ts";
 * import { registerWasmTrainingKernels, wasmTrainingKernels } from "./mod.ts";
 * registerWasmTrainingKernels(); // initBackend("wasm") does it
 * assert.ok(wasmTrainingKernels.every((k) => tf.getKernel(k.kernelName, "wasm") === k));
 * ```
 * @module
 */
import { tf } from "../tf.ts";
import { conv2dBackpropFilterConfig } from "./conv2d_backprop_filter.ts";
import { conv2dBackpropInputConfig } from "./conv2d_backprop_input.ts";
import { maxPoolGradConfig } from "./max_pool_grad.ts";
import { sgdUpdateConfig } from "./sgd_update.ts";
import {
  batchNormRunningStatsConfig,
  batchNormTrainConfig,
  batchNormTrainGradConfig,
} from "./fused_batch_norm.ts";

/** The kernels that replace or complete the wasm backend's own. */
export const wasmTrainingKernels: readonly tf.KernelConfig[] = [
  conv2dBackpropFilterConfig,
  conv2dBackpropInputConfig,
  maxPoolGradConfig,
  batchNormTrainConfig,
  batchNormTrainGradConfig,
  batchNormRunningStatsConfig,
  sgdUpdateConfig,
];

/** Registers the training kernels for wasm, replacing stock ones. Idempotent. */
export function registerWasmTrainingKernels(): void {
  for (const config of wasmTrainingKernels) {
    const current = tf.getKernel(config.kernelName, config.backendName);
    if (current === config) continue;
    if (current !== undefined) tf.unregisterKernel(config.kernelName, config.backendName);
    tf.registerKernel(config);
  }
}
