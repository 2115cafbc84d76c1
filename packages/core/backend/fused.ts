/**
 * The seam between the model and the fused kernels: `hasKernel(name)` says
 * whether the active backend registers a fused kernel (webgpu does, from
 * `webgpu_kernels/`), and the functions here run one, with its gradient.
 * Every op that has a fused form asks `hasKernel` and otherwise runs exactly
 * the composed tfjs ops it ran before, so the cpu and wasm paths compute bit
 * for bit what they always did:
 *
 * - `BatchNorm2d.applyRelu` (nn): train-mode batch norm then ReLU;
 * - `wildcatHeadPooling` (nn): class-wise and WILDCAT top-k pooling;
 * - `pseudoBinaryMask`, `maskedInputs` (model): R+, X+ = X R+, X- = X (1 - R+);
 * - `crossEntropy`, `crossEntropyPerSample`, `uniformCrossEntropy` (train).
 *
 * The batch-norm and SGD kernels the wasm backend registers are found the
 * same way (`hasKernel(BATCH_NORM_TRAIN)`, `hasKernel(SGD_UPDATE)`).
 *
 * @example
 * ```ts
 * import { tf } from "./tf.ts";
 * import { hasKernel, MASKED_PAIR } from "./fused.ts";
 * const fused = hasKernel(MASKED_PAIR); // true on webgpu, false on cpu and wasm
 * ```
 * @module
 */
import { tf } from "./tf.ts";
import {
  BATCH_NORM_RELU_TRAIN,
  BATCH_NORM_RELU_TRAIN_GRAD,
  MASKED_PAIR,
  SOFTMAX_ENTROPY,
  WILDCAT_POOL,
} from "./webgpu_kernels/names.ts";

export {
  BATCH_NORM_RELU_TRAIN,
  MASKED_PAIR,
  SOFTMAX_ENTROPY,
  WILDCAT_MAX_CELLS,
  WILDCAT_POOL,
} from "./webgpu_kernels/names.ts";

/**
 * True while gradients are recorded (inside `tf.grad` and its kin): kernels
 * without a gradient must not run then.
 */
export function gradientsRecorded(): boolean {
  return (tf.engine() as unknown as { state: { gradientDepth: number } }).state.gradientDepth > 0;
}

/** True when the active backend registers kernel `name`. */
export function hasKernel(name: string): boolean {
  return tf.getKernel(name, tf.getBackend()) !== undefined;
}

const run = (name: string, inputs: tf.NamedTensorMap, attrs: tf.NamedAttrMap = {}) =>
  tf.engine().runKernel(name, inputs, attrs) as tf.Tensor[];

/** Batch mean and biased variance of a train-mode batch norm. */
export interface FusedBatchStats {
  mean: tf.Tensor1D;
  variance: tf.Tensor1D;
}

/**
 * relu(batch norm of x) in train mode, one kernel each way. The statistics
 * are kept out of every tidy scope: the caller disposes them.
 */
export function fusedBatchNormRelu(
  x: tf.Tensor4D,
  gamma: tf.Tensor1D,
  beta: tf.Tensor1D,
  eps: number,
): { y: tf.Tensor4D; stats: FusedBatchStats } {
  let stats: FusedBatchStats | undefined;
  const f = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [xi, g, b] = args as tf.Tensor[];
    const save = args[3] as tf.GradSaveFunc;
    const [y, mean, variance, invStd] = run(BATCH_NORM_RELU_TRAIN, { x: xi, gamma: g, beta: b }, {
      eps,
    });
    // customGrad runs this inside a tidy; the statistics must outlive it.
    stats = { mean: tf.keep(mean) as tf.Tensor1D, variance: tf.keep(variance) as tf.Tensor1D };
    save([xi, mean, invStd, g, b]);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
        const [sx, sMean, sInvStd, sg, sb] = saved;
        return run(BATCH_NORM_RELU_TRAIN_GRAD, {
          dy: dy as tf.Tensor,
          x: sx,
          mean: sMean,
          invStd: sInvStd,
          gamma: sg,
          beta: sb,
        });
      },
    };
  });
  const y = f(x, gamma, beta) as tf.Tensor4D;
  return { y, stats: stats! };
}

/** R+ of M+ (any shape) in one kernel: batch min/max normalisation, then the sigmoid. */
export function fusedBinaryMask<T extends tf.Tensor>(m: T, w: number, sigma: number): T {
  return run(MASKED_PAIR, { m }, { w, sigma })[0] as T;
}

/** R+ of M+ [N,H,W,1] with X+ = X R+ and X- = X (1 - R+) of X [N,H,W,C], in one kernel. */
export function fusedMaskedInputs(
  m: tf.Tensor4D,
  x: tf.Tensor4D,
  w: number,
  sigma: number,
): { mask: tf.Tensor4D; pos: tf.Tensor4D; neg: tf.Tensor4D } {
  const [mask, pos, neg] = run(MASKED_PAIR, { m, x }, { w, sigma }) as tf.Tensor4D[];
  return { mask, pos, neg };
}

/**
 * Softmax cross-entropy of logits [B,C] to integer labels, or to the uniform
 * distribution when `labels` is null, value and gradient in one kernel: the
 * per-sample losses [B] when `perSample`, else their mean.
 */
export function fusedEntropy(
  logits: tf.Tensor2D,
  labels: readonly number[] | null,
  perSample: boolean,
): tf.Tensor {
  const [b, c] = logits.shape;
  if (labels !== null) {
    if (labels.length !== b) throw new Error(`got ${labels.length} labels for a batch of ${b}`);
    const bad = labels.find((y) => !Number.isInteger(y) || y < 0 || y >= c);
    if (bad !== undefined) throw new Error(`label ${bad} is not a class index below ${c}`);
  }
  const f = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const z = args[0] as tf.Tensor2D;
    const save = args[1] as tf.GradSaveFunc;
    const inputs: tf.NamedTensorMap = { logits: z };
    if (labels !== null) inputs.labels = tf.tensor1d(labels as number[], "int32");
    const [loss, each, grad] = run(SOFTMAX_ENTROPY, inputs, {
      uniform: labels === null,
      scale: perSample ? 1 : 1 / b,
    });
    save([grad]);
    return {
      value: perSample ? each : loss,
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) =>
        tf.mul(saved[0], perSample ? tf.expandDims(dy as tf.Tensor, 1) : dy as tf.Tensor),
    };
  });
  return f(logits);
}

/**
 * Class-wise pooling of C*M modality maps [N,H,W,C*M] to class maps
 * [N,H,W,C], then top-k pooling to scores [N,C] with the given dropout
 * factors of the k selected cells ([N*C*k], or null), in one kernel each
 * way. Maps of at most `WILDCAT_MAX_CELLS` cells.
 */
export function fusedWildcatPool(
  modalityMaps: tf.Tensor4D,
  classes: number,
  modalities: number,
  k: number,
  drop: Float32Array | null,
): { scores: tf.Tensor2D; maps: tf.Tensor4D } {
  const n = modalityMaps.shape[0];
  const inputs: tf.NamedTensorMap = { x: modalityMaps };
  if (drop !== null) inputs.drop = tf.tensor(drop, [n, classes, k]);
  const [maps, scores, weights] = run(WILDCAT_POOL, inputs, { classes, modalities, k });
  // The gradient keeps its own reference to the weights.
  weights.dispose();
  inputs.drop?.dispose();
  return { scores: scores as tf.Tensor2D, maps: maps as tf.Tensor4D };
}
