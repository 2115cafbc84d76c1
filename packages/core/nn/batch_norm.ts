/**
 * BatchNorm2d with PyTorch semantics: batch statistics in train mode, eps
 * 1e-5, running statistics updated with momentum 0.1 (PyTorch's convention:
 * new = 0.9 * old + 0.1 * batch) and the unbiased batch variance.
 *
 * The train-mode gradient is the closed form
 * dx = gamma * invstd * (dy - mean(dy) - xhat * mean(dy * xhat)),
 * which avoids the broadcasting (Tile) chain that autodiff of the stock op
 * builds. Where the backend has the fused kernels (wasm), each direction is
 * one kernel; elsewhere it is built from ops.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { tf } from "../backend/tf.ts";
 * import { BatchNorm2d } from "./batch_norm.ts";
 * import { ParamStore } from "./module.ts";
 * const store = new ParamStore();
 * const bn = new BatchNorm2d(store, "bn1", 1);
 * const x = tf.tensor4d([1, 3], [1, 1, 2, 1]);
 * const y = tf.tidy(() => bn.apply(x, { training: true }));
 * assert.deepEqual(Array.from(await y.data()).map((v) => v.toFixed(3)), ["-1.000", "1.000"]);
 * // The running statistics moved by momentum 0.1 towards the batch's (mean 2, unbiased var 2).
 * assert.deepEqual(Array.from(await store.get("bn1.running_mean").data()).map((v) => v.toFixed(3)), ["0.200"]);
 * tf.dispose([x, y]);
 * store.dispose();
 * ```
 * @module
 */
import { tf } from "../backend/tf.ts";
import type { ForwardContext, ParamStore } from "./module.ts";
import { stopGradient } from "./stop_gradient.ts";
import {
  BATCH_NORM_RELU_TRAIN,
  fusedBatchNormRelu,
  gradientsRecorded,
  hasKernel,
} from "../backend/fused.ts";
import { BATCH_NORM_INFER } from "../backend/wasm_kernels/batch_norm_infer.ts";
import {
  BATCH_NORM_RUNNING_STATS,
  BATCH_NORM_TRAIN,
  BATCH_NORM_TRAIN_GRAD,
} from "../backend/wasm_kernels/fused_batch_norm.ts";

/** Batch mean and biased variance of one train-mode call. */
export interface BatchStats {
  mean: tf.Tensor1D;
  variance: tf.Tensor1D;
}

/**
 * Train-mode batch normalisation of an NHWC tensor over N, H and W, with a
 * closed-form gradient. Returns the output and the batch statistics, which
 * are kept out of every tidy scope: the caller disposes them.
 */
export function batchNormTrain(
  x: tf.Tensor4D,
  gamma: tf.Tensor1D,
  beta: tf.Tensor1D,
  eps: number,
): { y: tf.Tensor4D; stats: BatchStats } {
  if (tf.getKernel(BATCH_NORM_TRAIN, tf.getBackend()) !== undefined) {
    return fusedBatchNormTrain(x, gamma, beta, eps);
  }
  let stats: BatchStats | undefined;
  const n = x.shape[0] * x.shape[1] * x.shape[2];
  const f = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [xi, g, b] = args as tf.Tensor[];
    const save = args[3] as tf.GradSaveFunc;
    const mean = tf.mean(xi, [0, 1, 2]) as tf.Tensor1D;
    const xc = tf.sub(xi, mean);
    const variance = tf.mean(tf.square(xc), [0, 1, 2]) as tf.Tensor1D;
    const invStd = tf.rsqrt(tf.add(variance, eps));
    const xhat = tf.mul(xc, invStd);
    // customGrad runs this inside a tidy; the statistics must outlive it.
    stats = { mean: tf.keep(mean), variance: tf.keep(variance) };
    save([xhat, invStd, g]);
    return {
      value: tf.add(tf.mul(xhat, g), b),
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
        const [sxhat, sInvStd, sg] = saved;
        const d = dy as tf.Tensor;
        const dBeta = tf.sum(d, [0, 1, 2]);
        const dGamma = tf.sum(tf.mul(d, sxhat), [0, 1, 2]);
        const centred = tf.sub(
          tf.sub(d, tf.div(dBeta, n)),
          tf.mul(sxhat, tf.div(dGamma, n)),
        );
        return [tf.mul(centred, tf.mul(sg, sInvStd)), dGamma, dBeta];
      },
    };
  });
  const y = f(x, gamma, beta) as tf.Tensor4D;
  return { y, stats: stats! };
}

function fusedBatchNormTrain(
  x: tf.Tensor4D,
  gamma: tf.Tensor1D,
  beta: tf.Tensor1D,
  eps: number,
): { y: tf.Tensor4D; stats: BatchStats } {
  let stats: BatchStats | undefined;
  const f = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [xi, g, b] = args as tf.Tensor[];
    const save = args[3] as tf.GradSaveFunc;
    const [y, mean, variance, invStd] = tf.engine().runKernel(
      BATCH_NORM_TRAIN,
      { x: xi, gamma: g, beta: b },
      { eps },
    ) as tf.Tensor[];
    stats = { mean: tf.keep(mean) as tf.Tensor1D, variance: tf.keep(variance) as tf.Tensor1D };
    save([xi, mean, invStd, g]);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
        const [sx, sMean, sInvStd, sg] = saved;
        return tf.engine().runKernel(BATCH_NORM_TRAIN_GRAD, {
          dy: dy as tf.Tensor,
          x: sx,
          mean: sMean,
          invStd: sInvStd,
          gamma: sg,
        }) as tf.Tensor[];
      },
    };
  });
  const y = f(x, gamma, beta) as tf.Tensor4D;
  return { y, stats: stats! };
}

/** A BatchNorm2d layer over the channel axis of NHWC tensors. */
export class BatchNorm2d {
  readonly weight: tf.Variable;
  readonly bias: tf.Variable;
  readonly runningMean: tf.Variable;
  readonly runningVar: tf.Variable;

  constructor(
    store: ParamStore,
    name: string,
    channels: number,
    readonly eps = 1e-5,
    readonly momentum = 0.1,
  ) {
    this.weight = store.add(`${name}.weight`, tf.ones([channels]));
    this.bias = store.add(`${name}.bias`, tf.zeros([channels]));
    this.runningMean = store.add(`${name}.running_mean`, tf.zeros([channels]), false);
    this.runningVar = store.add(`${name}.running_var`, tf.ones([channels]), false);
  }

  /** Normalises `x`; in train mode also updates the running statistics (unless told to keep them). */
  apply(x: tf.Tensor4D, ctx: ForwardContext): tf.Tensor4D {
    if (!ctx.training) {
      return tf.batchNorm4d(
        x,
        this.runningMean as tf.Tensor1D,
        this.runningVar as tf.Tensor1D,
        this.bias as tf.Tensor1D,
        this.weight as tf.Tensor1D,
        this.eps,
      );
    }
    const { y, stats } = batchNormTrain(
      x,
      this.weight as tf.Tensor1D,
      this.bias as tf.Tensor1D,
      this.eps,
    );
    this.updateRunningStats(stats, x.shape[0] * x.shape[1] * x.shape[2], ctx);
    return y;
  }

  /**
   * relu(this.apply(x)): in train mode one fused kernel each way where the
   * backend registers it (webgpu), else exactly those two ops.
   */
  applyRelu(x: tf.Tensor4D, ctx: ForwardContext): tf.Tensor4D {
    if (!ctx.training) return this.applyAddRelu(x, null, ctx);
    if (!hasKernel(BATCH_NORM_RELU_TRAIN)) return tf.relu(this.apply(x, ctx));
    const { y, stats } = fusedBatchNormRelu(
      x,
      this.weight as tf.Tensor1D,
      this.bias as tf.Tensor1D,
      this.eps,
    );
    this.updateRunningStats(stats, x.shape[0] * x.shape[1] * x.shape[2], ctx);
    return y;
  }

  /**
   * relu(this.apply(x) + residual) (no residual: relu(this.apply(x))). At
   * inference one pass where the backend registers it (wasm), bit for bit
   * the separate ops, which run everywhere else.
   */
  applyAddRelu(x: tf.Tensor4D, residual: tf.Tensor4D | null, ctx: ForwardContext): tf.Tensor4D {
    if (!ctx.training && !gradientsRecorded() && hasKernel(BATCH_NORM_INFER)) {
      const inputs: tf.NamedTensorMap = { x, ...this.inferenceInputs() };
      if (residual !== null) inputs.residual = residual;
      return tf.engine().runKernel(BATCH_NORM_INFER, inputs, {
        varianceEpsilon: this.eps,
        relu: true,
      }) as tf.Tensor4D;
    }
    const y = this.apply(x, ctx);
    return tf.relu(residual === null ? y : tf.add(y, residual));
  }

  /** The inputs of an inference kernel's batch norm: the running statistics and the affine. */
  inferenceInputs(): tf.NamedTensorMap {
    return {
      mean: this.runningMean,
      variance: this.runningVar,
      offset: this.bias,
      scale: this.weight,
    };
  }

  /**
   * Folds one train-mode call's batch statistics (over `n` values per
   * channel) into the running ones, and disposes them; with
   * `ctx.keepRunningStats` it only disposes them.
   */
  updateRunningStats(stats: BatchStats, n: number, ctx: ForwardContext): void {
    if (ctx.keepRunningStats) {
      tf.dispose([stats.mean, stats.variance]);
      return;
    }
    const m = this.momentum;
    if (tf.getKernel(BATCH_NORM_RUNNING_STATS, tf.getBackend()) !== undefined) {
      const [rm, rv] = tf.engine().runKernel(BATCH_NORM_RUNNING_STATS, {
        runningMean: this.runningMean,
        runningVar: this.runningVar,
        mean: stats.mean,
        variance: stats.variance,
      }, { momentum: m, count: n }) as tf.Tensor[];
      this.runningMean.assign(rm);
      this.runningVar.assign(rv);
      tf.dispose([rm, rv, stats.mean, stats.variance]);
      return;
    }
    tf.tidy(() => {
      const unbiased = tf.mul(stats.variance, n / Math.max(n - 1, 1));
      this.runningMean.assign(
        tf.add(tf.mul(this.runningMean, 1 - m), tf.mul(stopGradient(stats.mean), m)),
      );
      this.runningVar.assign(
        tf.add(tf.mul(this.runningVar, 1 - m), tf.mul(stopGradient(unbiased), m)),
      );
    });
    tf.dispose([stats.mean, stats.variance]);
  }
}
