/**
 * Gradient kernels that make the wasm backend able to train: the missing
 * `Conv2DBackpropFilter`, a fast `Conv2DBackpropInput`, a correct
 * `MaxPoolGrad`, fused train-mode batch normalisation and a fused SGD step;
 * a `Conv2D` that takes stride-1 3x3 layers by Winograd (`conv2d.ts`), and
 * faster inference-time batch norm and gathers.
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
import { conv2d } from "./conv2d.ts";
import { batchNormInfer, batchNormInferConfig } from "./batch_norm_infer.ts";
import { convBatchNormInferConfig } from "./conv_bn_infer.ts";
import { resizeExactConfig } from "./resize_exact.ts";
import { gatherV2 } from "./gather_v2.ts";
import { identity } from "./identity.ts";
import { multiply } from "./multiply.ts";
import { type KernelArgs, wrapWasmKernel } from "./wrap_kernel.ts";
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
  batchNormInferConfig,
  convBatchNormInferConfig,
  resizeExactConfig,
];

/**
 * Kernels of the backend that ours take over where they can, falling back to
 * the backend's own: Winograd convolutions, inference-time batch norm,
 * gathers, identities that share their input's buffer, and products that
 * broadcast one channel.
 */
const WRAPPED: [string, (args: KernelArgs) => tf.TensorInfo | undefined][] = [
  [tf.Conv2D, conv2d],
  [tf.FusedBatchNorm, batchNormInfer],
  [tf.GatherV2, gatherV2],
  [tf.Identity, identity],
  [tf.Multiply, multiply],
];

/**
 * Registers the training kernels for wasm, replacing stock ones, and wraps
 * the backend's `Conv2D`, `FusedBatchNorm`, `GatherV2`, `Identity` and `Multiply` (call
 * it after importing tfjs-backend-wasm). Idempotent.
 */
export function registerWasmTrainingKernels(): void {
  for (const [name, ours] of WRAPPED) {
    const direct = tf.getKernel(name, "wasm");
    if (direct === undefined) continue;
    const config = wrapWasmKernel(direct, ours);
    if (config !== direct) {
      tf.unregisterKernel(name, "wasm");
      tf.registerKernel(config);
    }
  }
  for (const config of wasmTrainingKernels) {
    const current = tf.getKernel(config.kernelName, config.backendName);
    if (current === config) continue;
    if (current !== undefined) tf.unregisterKernel(config.kernelName, config.backendName);
    tf.registerKernel(config);
  }
}
