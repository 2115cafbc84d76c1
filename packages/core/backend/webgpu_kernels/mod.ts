/**
 * WGSL kernels of our own for tfjs's webgpu backend: the fused steps of the
 * method (pseudo-binary mask with X+ and X-, softmax entropy losses with
 * their gradients, WILDCAT pooling, train-mode batch norm with ReLU, the SGD
 * step), convolution filter gradients as a tiled implicit GEMM, and two
 * fixes of tfjs's own: a `Cast` that converts int32 to float32 for real and a
 * `MaxPoolGrad` that routes ties to the first maximum as cpu and wasm do. The model reaches the fused ones
 * through `nn/fused.ts`, which falls back to composed tfjs ops wherever they
 * are not registered (the cpu and wasm backends).
 *
 * @example
 * ```ts ignore
 * await import("@tensorflow/tfjs-backend-webgpu");
 * registerWebGpuKernels();
 * await tf.setBackend("webgpu");
 * ```
 * @module
 */
import { tf } from "../tf.ts";
import { batchNormConfigs } from "./batch_norm.ts";
import { castKernel } from "./cast.ts";
import { conv2dBackpropFilterConfig } from "./conv2d_backprop_filter.ts";
import { maskedPairConfig, maskedPairGradConfig } from "./masked_pair.ts";
import { maxPoolGradConfig } from "./max_pool_grad.ts";
import { sgdUpdateConfig } from "./sgd_update.ts";
import { softmaxEntropyConfig } from "./softmax_entropy.ts";
import { wildcatPoolConfigs, wildcatPoolGradConfig } from "./wildcat_pool.ts";

/** The kernels that complete or replace the webgpu backend's own. */
export const webGpuKernels: readonly tf.KernelConfig[] = [
  ...batchNormConfigs,
  conv2dBackpropFilterConfig,
  maskedPairConfig,
  maxPoolGradConfig,
  softmaxEntropyConfig,
  ...wildcatPoolConfigs,
  sgdUpdateConfig,
];

/** Gradients of the fused kernels that autodiff reaches directly. */
export const webGpuGradients: readonly tf.GradConfig[] = [
  maskedPairGradConfig,
  wildcatPoolGradConfig,
];

const mine = new WeakSet<tf.KernelFunc>();

/** tfjs's own webgpu kernels that ours replaced, by name (benchmarks compare against them). */
export const stockWebGpuKernels: Map<string, tf.KernelConfig> = new Map();

/** Registers our webgpu kernels, replacing stock ones. Idempotent; call after importing the backend. */
export function registerWebGpuKernels(): void {
  for (const config of webGpuKernels) {
    const current = tf.getKernel(config.kernelName, config.backendName);
    if (current === config) continue;
    if (current !== undefined) {
      if (!stockWebGpuKernels.has(config.kernelName)) {
        stockWebGpuKernels.set(config.kernelName, current);
      }
      tf.unregisterKernel(config.kernelName, config.backendName);
    }
    tf.registerKernel(config);
  }
  for (const config of webGpuGradients) {
    if (tf.getGradient(config.kernelName) !== config) tf.registerGradient(config);
  }
  const cast = tf.getKernel("Cast", "webgpu");
  if (cast === undefined) throw new Error("the webgpu backend has no Cast kernel to wrap");
  if (!mine.has(cast.kernelFunc)) {
    stockWebGpuKernels.set("Cast", cast);
    const kernelFunc = castKernel(cast.kernelFunc);
    mine.add(kernelFunc);
    tf.unregisterKernel("Cast", "webgpu");
    tf.registerKernel({ kernelName: "Cast", backendName: "webgpu", kernelFunc });
  }
}

/**
 * Puts tfjs's own webgpu kernels back and removes ours (the fused ops then
 * fall back to composed tfjs ops): for benchmarks that measure what ours gain.
 */
export function unregisterWebGpuKernels(): void {
  for (const config of webGpuKernels) {
    if (tf.getKernel(config.kernelName, config.backendName) === config) {
      tf.unregisterKernel(config.kernelName, config.backendName);
    }
    const stock = stockWebGpuKernels.get(config.kernelName);
    if (stock !== undefined) tf.registerKernel(stock);
  }
  const cast = tf.getKernel("Cast", "webgpu");
  const stockCast = stockWebGpuKernels.get("Cast");
  if (cast !== undefined && mine.has(cast.kernelFunc) && stockCast !== undefined) {
    tf.unregisterKernel("Cast", "webgpu");
    tf.registerKernel(stockCast);
  }
}
