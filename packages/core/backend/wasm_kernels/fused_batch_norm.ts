/**
 * Train-mode batch normalisation fused into two wasm-backend kernels, one
 * forward and one backward, each a few passes over the NHWC data in
 * JavaScript on the heap. Built from ops, one normalisation took 7 kernels
 * forward and 6 backward, each a full pass with its own dispatch: 36% of the
 * kernel time of the default training step.
 *
 * - `PointwiseBatchNormTrain(x, gamma, beta; eps)` gives y, the batch mean,
 *   the biased batch variance and 1 / sqrt(variance + eps).
 * - `PointwiseBatchNormTrainGrad(dy, x, mean, invStd, gamma)` gives dx, dgamma
 *   and dbeta of the closed form
 *   dx = gamma * invStd * (dy - mean(dy) - xhat * mean(dy * xhat)).
 *
 * Sums are accumulated in float64. The loops are `training_loops.ts`'s:
 * WASM-SIMD where loaded, JavaScript (`batch_norm_loops.ts`) otherwise.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { initBackend } from "../backend.ts";
 * import { tf } from "../tf.ts";
 * import { BATCH_NORM_TRAIN } from "./fused_batch_norm.ts";
 * await initBackend("wasm"); // registers the kernels
 * const x = tf.tensor4d([1, 3], [1, 1, 2, 1]);
 * const [y, mean, variance, invStd] = tf.engine().runKernel(
 *   BATCH_NORM_TRAIN,
 *   { x, gamma: tf.ones([1]), beta: tf.zeros([1]) },
 *   { eps: 0 },
 * ) as tf.Tensor[];
 * const values = await Promise.all([y, mean, variance, invStd].map((t) => t.data()));
 * assert.deepEqual(values.map((v) => Array.from(v)), [[-1, 1], [2], [1], [1]]);
 * ```
 * @module
 */
import type { tf } from "../tf.ts";
import type { KernelBackendLike } from "./kernel_scope.ts";
import { loopsFor } from "./training_loops.ts";

/** Name of the fused forward kernel. */
export const BATCH_NORM_TRAIN = "PointwiseBatchNormTrain";
/** Name of the fused backward kernel. */
export const BATCH_NORM_TRAIN_GRAD = "PointwiseBatchNormTrainGrad";
/** Name of the running-statistics update (PyTorch's: momentum, unbiased variance). */
export const BATCH_NORM_RUNNING_STATS = "PointwiseBatchNormRunningStats";

type KernelArgs = { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap };

function batchNormTrain(args: KernelArgs): tf.TensorInfo[] {
  const { x, gamma, beta } = args.inputs as Record<string, tf.TensorInfo>;
  const eps = (args.attrs as { eps: number }).eps;
  const backend = args.backend as KernelBackendLike;
  const c = x.shape[x.shape.length - 1];
  const outs = [
    backend.makeOutput(x.shape, "float32"),
    backend.makeOutput([c], "float32"),
    backend.makeOutput([c], "float32"),
    backend.makeOutput([c], "float32"),
  ];
  const [y, mean, variance, invStd] = outs;
  loopsFor(backend).batchNormForward(x, gamma, beta, eps, y, mean, variance, invStd);
  return outs;
}

function batchNormTrainGrad(args: KernelArgs): tf.TensorInfo[] {
  const { dy, x, mean, invStd, gamma } = args.inputs as Record<string, tf.TensorInfo>;
  const backend = args.backend as KernelBackendLike;
  const c = x.shape[x.shape.length - 1];
  const outs = [
    backend.makeOutput(x.shape, "float32"),
    backend.makeOutput([c], "float32"),
    backend.makeOutput([c], "float32"),
  ];
  loopsFor(backend).batchNormBackward(dy, x, mean, invStd, gamma, outs[0], outs[1], outs[2]);
  return outs;
}

// new = (1 - momentum) old + momentum batch, the variance made unbiased: one
// kernel where ops took 12 calls per layer, each with its dispatch.
function runningStats(args: KernelArgs): tf.TensorInfo[] {
  const { runningMean, runningVar, mean, variance } = args.inputs as Record<string, tf.TensorInfo>;
  const { momentum, count } = args.attrs as { momentum: number; count: number };
  const backend = args.backend as KernelBackendLike;
  const c = mean.shape[0];
  const outs = [backend.makeOutput([c], "float32"), backend.makeOutput([c], "float32")];
  const heap = (t: tf.TensorInfo) => backend.typedArrayFromHeap(t) as Float32Array;
  const [newMean, newVar] = outs.map(heap);
  const [rm, rv, m, v] = [runningMean, runningVar, mean, variance].map(heap);
  const unbias = count / Math.max(count - 1, 1);
  for (let k = 0; k < c; k++) {
    newMean[k] = (1 - momentum) * rm[k] + momentum * m[k];
    newVar[k] = (1 - momentum) * rv[k] + momentum * v[k] * unbias;
  }
  return outs;
}

/** Kernel registration of the running-statistics update on wasm. */
export const batchNormRunningStatsConfig: tf.KernelConfig = {
  kernelName: BATCH_NORM_RUNNING_STATS,
  backendName: "wasm",
  kernelFunc: runningStats as unknown as tf.KernelFunc,
};

/** Kernel registration of the fused forward pass on wasm. */
export const batchNormTrainConfig: tf.KernelConfig = {
  kernelName: BATCH_NORM_TRAIN,
  backendName: "wasm",
  kernelFunc: batchNormTrain as unknown as tf.KernelFunc,
};

/** Kernel registration of the fused backward pass on wasm. */
export const batchNormTrainGradConfig: tf.KernelConfig = {
  kernelName: BATCH_NORM_TRAIN_GRAD,
  backendName: "wasm",
  kernelFunc: batchNormTrainGrad as unknown as tf.KernelFunc,
};
