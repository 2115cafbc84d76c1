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
 * Sums are accumulated in float64. Where the WASM-SIMD loops are loaded
 * (`simd_loops.ts`) they run instead of the JavaScript ones below.
 *
 * @example
 * ```ts ignore
 * const [y, mean, variance, invStd] = tf.engine().runKernel(
 *   BATCH_NORM_TRAIN, { x, gamma, beta }, { eps: 1e-5 },
 * ) as tf.Tensor[];
 * ```
 * @module
 */
import type { tf } from "../tf.ts";
import type { KernelBackendLike } from "./kernel_scope.ts";
import { simdLoopsFor } from "./simd_loops.ts";

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
  const simd = simdLoopsFor(backend);
  if (simd) {
    const [y, mean, variance, invStd] = outs;
    const rows = x.shape.slice(0, -1).reduce((p, d) => p * d, 1);
    // Scratch: 2c float64 sums, then 3c float32 coefficients.
    simd.withScratch(7 * c, (scratch) =>
      simd.fn.bn_forward(
        simd.address(x),
        rows,
        c,
        simd.address(gamma),
        simd.address(beta),
        eps,
        simd.address(y),
        simd.address(mean),
        simd.address(variance),
        simd.address(invStd),
        scratch,
      ));
    return outs;
  }
  // Views are taken after the allocations: growing the heap detaches old ones.
  const heap = (t: tf.TensorInfo) => backend.typedArrayFromHeap(t) as Float32Array;
  const xs = heap(x);
  const [y, meanOut, varOut, invOut] = outs.map(heap);
  const g = heap(gamma);
  const b = heap(beta);
  const n = xs.length / c;
  const sum = new Float64Array(c);
  for (let i = 0; i < xs.length; i += c) {
    for (let k = 0; k < c; k++) sum[k] += xs[i + k];
  }
  const mean = sum.map((s) => s / n);
  const sq = new Float64Array(c);
  for (let i = 0; i < xs.length; i += c) {
    for (let k = 0; k < c; k++) {
      const d = xs[i + k] - mean[k];
      sq[k] += d * d;
    }
  }
  const scale = new Float64Array(c);
  const shift = new Float64Array(c);
  for (let k = 0; k < c; k++) {
    const variance = sq[k] / n;
    const inv = 1 / Math.sqrt(variance + eps);
    meanOut[k] = mean[k];
    varOut[k] = variance;
    invOut[k] = inv;
    scale[k] = g[k] * inv;
    shift[k] = b[k] - mean[k] * scale[k];
  }
  for (let i = 0; i < xs.length; i += c) {
    for (let k = 0; k < c; k++) y[i + k] = xs[i + k] * scale[k] + shift[k];
  }
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
  const simd = simdLoopsFor(backend);
  if (simd) {
    const rows = x.shape.slice(0, -1).reduce((p, d) => p * d, 1);
    const a = (t: tf.TensorInfo) => simd.address(t);
    simd.withScratch(7 * c, (scratch) =>
      simd.fn.bn_backward(
        a(dy),
        a(x),
        a(mean),
        a(invStd),
        a(gamma),
        rows,
        c,
        a(outs[0]),
        a(outs[1]),
        a(outs[2]),
        scratch,
      ));
    return outs;
  }
  const heap = (t: tf.TensorInfo) => backend.typedArrayFromHeap(t) as Float32Array;
  const [dx, dGammaOut, dBetaOut] = outs.map(heap);
  const d = heap(dy);
  const xs = heap(x);
  const m = heap(mean);
  const inv = heap(invStd);
  const g = heap(gamma);
  const n = xs.length / c;
  const dBeta = new Float64Array(c);
  const dGamma = new Float64Array(c);
  for (let i = 0; i < xs.length; i += c) {
    for (let k = 0; k < c; k++) {
      const v = d[i + k];
      dBeta[k] += v;
      dGamma[k] += v * (xs[i + k] - m[k]) * inv[k];
    }
  }
  // dx = a * dy + b * x + e per channel, the closed form expanded.
  const a = new Float64Array(c);
  const bx = new Float64Array(c);
  const e = new Float64Array(c);
  for (let k = 0; k < c; k++) {
    dGammaOut[k] = dGamma[k];
    dBetaOut[k] = dBeta[k];
    a[k] = g[k] * inv[k];
    bx[k] = -a[k] * inv[k] * dGamma[k] / n;
    e[k] = -a[k] * dBeta[k] / n - bx[k] * m[k];
  }
  for (let i = 0; i < xs.length; i += c) {
    for (let k = 0; k < c; k++) dx[i + k] = a[k] * d[i + k] + bx[k] * xs[i + k] + e[k];
  }
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
