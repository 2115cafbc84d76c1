/**
 * The one place where the model chooses between a fused kernel and the
 * composed tfjs ops: each function here runs the fused kernel when the
 * active backend registers it (webgpu: `backend/webgpu_kernels/`) and
 * otherwise exactly the composed ops it replaces, so the cpu and wasm paths
 * compute bit for bit what they computed before.
 *
 * - {@link batchNormRelu}: train-mode batch norm then ReLU;
 * - {@link binaryMask} and {@link maskedInputs}: R+, and X+ = X R+,
 *   X- = X (1 - R+);
 * - {@link crossEntropy}, {@link crossEntropyPerSample},
 *   {@link uniformCrossEntropy}: the entropy losses with their gradients;
 * - {@link wildcatPool}: class-wise pooling and WILDCAT's top-k pooling.
 *
 * @example
 * ```ts
 * import { tf } from "../backend/tf.ts";
 * import { crossEntropy } from "./fused.ts";
 * const loss = crossEntropy(tf.tensor2d([[2, 0], [0, 1]]), [0, 1]);
 * ```
 * @module
 */
import { tf } from "../backend/tf.ts";
import {
  BATCH_NORM_RELU_TRAIN,
  BATCH_NORM_RELU_TRAIN_GRAD,
  MASKED_PAIR,
  SOFTMAX_ENTROPY,
  WILDCAT_MAX_CELLS,
  WILDCAT_POOL,
} from "../backend/webgpu_kernels/names.ts";
import { pseudoBinaryMask } from "../model/pseudo_binary_mask.ts";
import * as composed from "../train/losses.ts";
import type { BatchNorm2d, BatchStats } from "./batch_norm.ts";
import { classWisePooling } from "./class_wise_pooling.ts";
import type { ForwardContext } from "./module.ts";
import {
  dropoutFactors,
  topK,
  wildcatPooling,
  type WildcatPoolingOptions,
} from "./wildcat_pooling.ts";

/** True when the active backend registers kernel `name`. */
export function hasKernel(name: string): boolean {
  return tf.getKernel(name, tf.getBackend()) !== undefined;
}

const run = (name: string, inputs: tf.NamedTensorMap, attrs: tf.NamedAttrMap = {}) =>
  tf.engine().runKernel(name, inputs, attrs) as tf.Tensor[];

/** relu(bn(x)); in train mode one fused kernel each way where registered. */
export function batchNormRelu(bn: BatchNorm2d, x: tf.Tensor4D, ctx: ForwardContext): tf.Tensor4D {
  if (!ctx.training || !hasKernel(BATCH_NORM_RELU_TRAIN)) return tf.relu(bn.apply(x, ctx));
  let stats: BatchStats | undefined;
  const f = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [xi, g, b] = args as tf.Tensor[];
    const save = args[3] as tf.GradSaveFunc;
    const [y, mean, variance, invStd] = run(BATCH_NORM_RELU_TRAIN, { x: xi, gamma: g, beta: b }, {
      eps: bn.eps,
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
  const y = f(x, bn.weight, bn.bias) as tf.Tensor4D;
  bn.updateRunningStats(stats!, x.shape[0] * x.shape[1] * x.shape[2]);
  return y;
}

/** R+ = pseudo-binary mask of M+ (`pseudoBinaryMask`), fused where registered. */
export function binaryMask(m: tf.Tensor4D, w: number, sigma: number): tf.Tensor4D {
  if (!hasKernel(MASKED_PAIR)) return pseudoBinaryMask(m, w, sigma);
  return run(MASKED_PAIR, { m }, { w, sigma })[0] as tf.Tensor4D;
}

/** R+ of M+ with X+ = X R+ and X- = X (1 - R+), in one kernel where registered. */
export function maskedInputs(
  m: tf.Tensor4D,
  x: tf.Tensor4D,
  w: number,
  sigma: number,
): { mask: tf.Tensor4D; pos: tf.Tensor4D; neg: tf.Tensor4D } {
  if (!hasKernel(MASKED_PAIR)) {
    const mask = pseudoBinaryMask(m, w, sigma);
    return { mask, pos: tf.mul(x, mask), neg: tf.mul(x, tf.sub(1, mask)) };
  }
  const [mask, pos, neg] = run(MASKED_PAIR, { m, x }, { w, sigma }) as tf.Tensor4D[];
  return { mask, pos, neg };
}

function checkLabels(logits: tf.Tensor2D, labels: readonly number[]): void {
  const [b, c] = logits.shape;
  if (labels.length !== b) throw new Error(`got ${labels.length} labels for a batch of ${b}`);
  const bad = labels.find((y) => !Number.isInteger(y) || y < 0 || y >= c);
  if (bad !== undefined) throw new Error(`label ${bad} is not a class index below ${c}`);
}

/** One output of the fused entropy kernel, with `scale` times its gradient. */
function fusedEntropy(
  logits: tf.Tensor2D,
  labels: readonly number[] | null,
  perSample: boolean,
): tf.Tensor {
  const f = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const z = args[0] as tf.Tensor2D;
    const save = args[1] as tf.GradSaveFunc;
    const inputs: tf.NamedTensorMap = { logits: z };
    if (labels !== null) inputs.labels = tf.tensor1d(labels as number[], "int32");
    const [loss, each, grad] = run(SOFTMAX_ENTROPY, inputs, {
      uniform: labels === null,
      scale: perSample ? 1 : 1 / z.shape[0],
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

/** Per-sample cross-entropy of logits [B,C] against integer labels. */
export function crossEntropyPerSample(
  logits: tf.Tensor2D,
  labels: readonly number[],
): tf.Tensor1D {
  if (!hasKernel(SOFTMAX_ENTROPY)) return composed.crossEntropyPerSample(logits, labels);
  checkLabels(logits, labels);
  return fusedEntropy(logits, labels, true) as tf.Tensor1D;
}

/** Mean cross-entropy of logits [B,C] against integer labels (L_seg, L_pos). */
export function crossEntropy(logits: tf.Tensor2D, labels: readonly number[]): tf.Scalar {
  if (!hasKernel(SOFTMAX_ENTROPY)) return composed.crossEntropy(logits, labels);
  checkLabels(logits, labels);
  return fusedEntropy(logits, labels, false) as tf.Scalar;
}

/** Mean cross-entropy of logits [B,C] against the uniform distribution (L_neg). */
export function uniformCrossEntropy(logits: tf.Tensor2D): tf.Scalar {
  if (!hasKernel(SOFTMAX_ENTROPY)) return composed.uniformCrossEntropy(logits);
  return fusedEntropy(logits, null, false) as tf.Scalar;
}

/**
 * Class-wise pooling of C*M modality maps [N,H,W,C*M] to class maps, then
 * WILDCAT's top-k pooling to scores [N,C]; one kernel each way where
 * registered (dropout factors drawn from `ctx.rng` as the composed op draws them).
 */
export function wildcatPool(
  modalityMaps: tf.Tensor4D,
  classes: number,
  modalities: number,
  o: WildcatPoolingOptions,
  ctx: ForwardContext,
): { scores: tf.Tensor2D; maps: tf.Tensor4D } {
  const [n, h, w] = modalityMaps.shape;
  const cells = h * w;
  if (!hasKernel(WILDCAT_POOL) || cells > WILDCAT_MAX_CELLS) {
    const maps = classWisePooling(modalityMaps, classes, modalities);
    return { scores: wildcatPooling(maps, o, ctx), maps };
  }
  const k = topK(o.kmax, cells);
  const drop = dropoutFactors(n, classes, k, o, ctx);
  const inputs: tf.NamedTensorMap = { x: modalityMaps };
  if (drop !== null) inputs.drop = tf.tensor(drop, [n, classes, k]);
  const [maps, scores, weights] = run(WILDCAT_POOL, inputs, { classes, modalities, k });
  weights.dispose();
  if (inputs.drop !== undefined) inputs.drop.dispose();
  return { scores: scores as tf.Tensor2D, maps: maps as tf.Tensor4D };
}
