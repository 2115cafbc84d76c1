/**
 * Train-mode batch normalisation over NHWC rows, optionally followed by
 * ReLU, forward and backward, in WGSL. Each direction is three dispatches:
 *
 * 1. partial per-channel statistics over chunks of rows: a workgroup holds 64
 *    channels x 4 row lanes, so neighbouring threads read neighbouring
 *    channels (coalesced); forward keeps Welford's (count, mean, M2), merged
 *    with Chan's formula, so the variance has no cancellation;
 * 2. one thread per channel merges the chunks: mean, biased variance and
 *    1/sqrt(var + eps) forward; dgamma and dbeta backward;
 * 3. one elementwise pass: y = (x - mean) invStd gamma + beta (then ReLU)
 *    forward; backward, with g = dy [y > 0] (ReLU's mask, recomputed from x
 *    by the forward's own formula),
 *    dx = gamma invStd (g - dbeta/n - xhat dgamma/n).
 *
 * Composed from tfjs ops one normalisation is 7 dispatches forward and 6
 * backward, plus 1 and 1 for the ReLU, each a full pass over the tensor.
 *
 * @example
 * ```ts ignore
 * const [y, mean, variance, invStd] = tf.engine().runKernel(
 *   BATCH_NORM_RELU_TRAIN, { x, gamma, beta }, { eps: 1e-5 }) as tf.Tensor[];
 * ```
 * @module
 */
import type { tf } from "../tf.ts";
import {
  BATCH_NORM_RUNNING_STATS,
  BATCH_NORM_TRAIN,
  BATCH_NORM_TRAIN_GRAD,
} from "../wasm_kernels/fused_batch_norm.ts";
import { BATCH_NORM_RELU_TRAIN, BATCH_NORM_RELU_TRAIN_GRAD } from "./names.ts";
import { asWebGpu, grid, type Param, runProgram, type WebGpuBackendLike } from "./gpu_program.ts";
import {
  apply,
  gradApply,
  gradFinal,
  gradPartial,
  RUNNING_STATS,
  STATS_FINAL,
  STATS_PARTIAL,
} from "./batch_norm_wgsl.ts";

/** Rows and channels of an NHWC tensor seen as a [rows, channels] matrix. */
interface Geometry {
  rows: number;
  channels: number;
  chunks: number;
  rowsPerChunk: number;
}

function geometry(shape: number[]): Geometry {
  const channels = shape[shape.length - 1];
  const rows = shape.reduce((a, v) => a * v, 1) / channels;
  // About 256 rows per chunk (64 per thread), at most 1024 chunks to merge.
  const chunks = Math.max(1, Math.min(1024, Math.ceil(rows / 256)));
  return { rows, channels, chunks, rowsPerChunk: Math.ceil(rows / chunks) };
}

const geometryParams = (g: Geometry): Param[] => [
  { type: "u32", value: g.rows },
  { type: "u32", value: g.channels },
  { type: "u32", value: g.rowsPerChunk },
  { type: "u32", value: g.chunks },
];

type KernelArgs = { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap };

function channelGroups(g: Geometry): [number, number, number] {
  return [Math.ceil(g.channels / 64), 1, 1];
}

function forward(
  b: WebGpuBackendLike,
  inputs: Record<string, tf.TensorInfo>,
  eps: number,
  relu: boolean,
) {
  const { x, gamma, beta } = inputs;
  const g = geometry(x.shape);
  const c = g.channels;
  const outs = [
    b.makeTensorInfo(x.shape, "float32"),
    b.makeTensorInfo([c], "float32"),
    b.makeTensorInfo([c], "float32"),
    b.makeTensorInfo([c], "float32"),
  ];
  const [y, mean, variance, invStd] = outs;
  const partial = b.makeTensorInfo([g.chunks * c * 3], "float32");
  try {
    runProgram(b, {
      key: "pointwise_bn_stats_partial",
      wgsl: () => STATS_PARTIAL,
      outputs: [partial],
      inputs: [x],
      params: geometryParams(g),
      workgroups: [Math.ceil(c / 64), g.chunks, 1],
    });
    runProgram(b, {
      key: "pointwise_bn_stats_final",
      wgsl: () => STATS_FINAL,
      outputs: [mean, variance, invStd],
      inputs: [partial],
      params: [...geometryParams(g), { type: "f32", value: eps }],
      workgroups: channelGroups(g),
    });
  } finally {
    b.disposeData(partial.dataId);
  }
  const size = g.rows * c;
  runProgram(b, {
    key: `pointwise_bn_apply_${relu}`,
    wgsl: () => apply(relu),
    outputs: [y],
    inputs: [x, mean, invStd, gamma, beta],
    params: [{ type: "u32", value: size }, { type: "u32", value: c }],
    workgroups: grid(size),
  });
  return outs;
}

function backward(b: WebGpuBackendLike, inputs: Record<string, tf.TensorInfo>, relu: boolean) {
  const { dy, x, mean, invStd, gamma, beta } = inputs;
  const g = geometry(x.shape);
  const c = g.channels;
  const outs = [
    b.makeTensorInfo(x.shape, "float32"),
    b.makeTensorInfo([c], "float32"),
    b.makeTensorInfo([c], "float32"),
  ];
  const [dx, dgamma, dbeta] = outs;
  const partial = b.makeTensorInfo([g.chunks * c * 2], "float32");
  const coef = b.makeTensorInfo([c * 8], "float32");
  try {
    runProgram(b, {
      key: `pointwise_bn_grad_partial_${relu}`,
      wgsl: () => gradPartial(relu),
      outputs: [partial],
      inputs: relu ? [dy, x, mean, invStd, gamma, beta] : [dy, x, mean, invStd],
      params: geometryParams(g),
      workgroups: [Math.ceil(c / 64), g.chunks, 1],
    });
    runProgram(b, {
      key: `pointwise_bn_grad_final_${relu}`,
      wgsl: () => gradFinal(relu),
      outputs: [dgamma, dbeta, coef],
      inputs: relu ? [partial, mean, invStd, gamma, beta] : [partial, mean, invStd, gamma],
      params: [...geometryParams(g), { type: "f32", value: g.rows }],
      workgroups: channelGroups(g),
    });
    const size = g.rows * c;
    runProgram(b, {
      key: `pointwise_bn_grad_apply_${relu}`,
      wgsl: () => gradApply(relu),
      outputs: [dx],
      inputs: [dy, x, coef],
      params: [{ type: "u32", value: size }, { type: "u32", value: c }],
      workgroups: grid(size),
    });
  } finally {
    b.disposeData(partial.dataId);
    b.disposeData(coef.dataId);
  }
  return outs;
}

function runningStats(args: KernelArgs): tf.TensorInfo[] {
  const { runningMean, runningVar, mean, variance } = args.inputs as Record<string, tf.TensorInfo>;
  const { momentum, count } = args.attrs as { momentum: number; count: number };
  const b = asWebGpu(args.backend);
  const c = mean.shape[0];
  const outs = [b.makeTensorInfo([c], "float32"), b.makeTensorInfo([c], "float32")];
  runProgram(b, {
    key: "pointwise_bn_running_stats",
    wgsl: () => RUNNING_STATS,
    outputs: outs,
    inputs: [runningMean, runningVar, mean, variance],
    params: [
      { type: "u32", value: c },
      { type: "f32", value: momentum },
      { type: "f32", value: count / Math.max(count - 1, 1) },
    ],
    workgroups: [Math.ceil(c / 64), 1, 1],
  });
  return outs;
}

const kernel = (
  name: string,
  f: (
    b: WebGpuBackendLike,
    inputs: Record<string, tf.TensorInfo>,
    attrs: tf.NamedAttrMap,
  ) => tf.TensorInfo[],
): tf.KernelConfig => ({
  kernelName: name,
  backendName: "webgpu",
  kernelFunc: ((args: KernelArgs) =>
    f(
      asWebGpu(args.backend),
      args.inputs as Record<string, tf.TensorInfo>,
      args.attrs ?? {},
    )) as unknown as tf.KernelFunc,
});

/** The batch-norm kernels on webgpu: with and without ReLU, both directions, running statistics. */
export const batchNormConfigs: readonly tf.KernelConfig[] = [
  kernel(BATCH_NORM_TRAIN, (b, i, a) => forward(b, i, (a as { eps: number }).eps, false)),
  kernel(BATCH_NORM_RELU_TRAIN, (b, i, a) => forward(b, i, (a as { eps: number }).eps, true)),
  kernel(BATCH_NORM_TRAIN_GRAD, (b, i) => backward(b, i, false)),
  kernel(BATCH_NORM_RELU_TRAIN_GRAD, (b, i) => backward(b, i, true)),
  {
    kernelName: BATCH_NORM_RUNNING_STATS,
    backendName: "webgpu",
    kernelFunc: runningStats as unknown as tf.KernelFunc,
  },
];
