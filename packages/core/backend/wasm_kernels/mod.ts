/**
 * Gradient kernels that make the wasm backend able to train: the missing
 * `Conv2DBackpropFilter`, a fast `Conv2DBackpropInput`, a correct
 * `MaxPoolGrad`, fused train-mode batch normalisation and a fused SGD step;
 * and a `Conv2D` that takes stride-1 3x3 layers by Winograd (`conv2d.ts`).
 *
 * @example
 * ```ts ignore
 * registerWasmTrainingKernels();
 * await tf.setBackend("wasm");
 * ```
 * @module
 */
import { tf } from "../tf.ts";
import { conv2dConfigWrapping } from "./conv2d.ts";
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

/**
 * Registers the training kernels for wasm, replacing stock ones, and wraps
 * the backend's `Conv2D` (call it after importing tfjs-backend-wasm).
 * Idempotent.
 */
export function registerWasmTrainingKernels(): void {
  const conv = tf.getKernel(tf.Conv2D, "wasm");
  if (conv !== undefined) {
    const ours = conv2dConfigWrapping(conv);
    if (ours !== conv) {
      tf.unregisterKernel(tf.Conv2D, "wasm");
      tf.registerKernel(ours);
    }
  }
  for (const config of wasmTrainingKernels) {
    const current = tf.getKernel(config.kernelName, config.backendName);
    if (current === config) continue;
    if (current !== undefined) tf.unregisterKernel(config.kernelName, config.backendName);
    tf.registerKernel(config);
  }
}
