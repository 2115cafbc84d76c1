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
import {
  asWebGpu,
  bindings,
  flatIndex,
  grid,
  type Param,
  runProgram,
  type WebGpuBackendLike,
} from "./gpu_program.ts";

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

const GEOMETRY = ["rows: u32", "channels: u32", "rowsPerChunk: u32", "chunks: u32"];
const geometryParams = (g: Geometry): Param[] => [
  { type: "u32", value: g.rows },
  { type: "u32", value: g.channels },
  { type: "u32", value: g.rowsPerChunk },
  { type: "u32", value: g.chunks },
];

/** The forward's output value, shared by the backward's ReLU mask. */
const NORMALISE = `
fn normalised(v: f32, m: f32, s: f32, g: f32, b: f32) -> f32 {
  return (v - m) * s * g + b;
}`;

// Partial (count, mean, M2) per chunk and channel, Welford within a thread.
const STATS_PARTIAL = `
${bindings(["partial"], ["x"], GEOMETRY)}
var<workgroup> sN: array<f32, 256>;
var<workgroup> sMean: array<f32, 256>;
var<workgroup> sM2: array<f32, 256>;
@compute @workgroup_size(64, 4)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let c = wg.x * 64u + lid.x;
  let start = wg.y * P.rowsPerChunk;
  let end = min(P.rows, start + P.rowsPerChunk);
  var n = 0.0;
  var mean = 0.0;
  var m2 = 0.0;
  if (c < P.channels) {
    for (var r = start + lid.y; r < end; r += 4u) {
      let v = x[r * P.channels + c];
      n += 1.0;
      let d = v - mean;
      mean += d / n;
      m2 += d * (v - mean);
    }
  }
  let t = lid.y * 64u + lid.x;
  sN[t] = n;
  sMean[t] = mean;
  sM2[t] = m2;
  workgroupBarrier();
  if (lid.y == 0u && c < P.channels) {
    for (var l = 1u; l < 4u; l++) {
      let o = l * 64u + lid.x;
      let nb = sN[o];
      if (nb > 0.0) {
        let na = n;
        n = na + nb;
        let d = sMean[o] - mean;
        mean += d * nb / n;
        m2 += sM2[o] + d * d * na * nb / n;
      }
    }
    let at = (wg.y * P.channels + c) * 3u;
    partial[at] = n;
    partial[at + 1u] = mean;
    partial[at + 2u] = m2;
  }
}`;

const STATS_FINAL = `
${bindings(["mean", "variance", "invStd"], ["partial"], [...GEOMETRY, "eps: f32"])}
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let c = gid.x;
  if (c >= P.channels) { return; }
  var n = 0.0;
  var m = 0.0;
  var m2 = 0.0;
  for (var k = 0u; k < P.chunks; k++) {
    let at = (k * P.channels + c) * 3u;
    let nb = partial[at];
    if (nb > 0.0) {
      let na = n;
      n = na + nb;
      let d = partial[at + 1u] - m;
      m += d * nb / n;
      m2 += partial[at + 2u] + d * d * na * nb / n;
    }
  }
  let v = m2 / n;
  mean[c] = m;
  variance[c] = v;
  invStd[c] = 1.0 / sqrt(v + P.eps);
}`;

const apply = (relu: boolean) => `
${bindings(["y"], ["x", "mean", "invStd", "gamma", "beta"], ["size: u32", "channels: u32"])}
${NORMALISE}
@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = ${flatIndex()};
  if (i >= P.size) { return; }
  let c = i % P.channels;
  let v = normalised(x[i], mean[c], invStd[c], gamma[c], beta[c]);
  y[i] = ${relu ? "max(v, 0.0)" : "v"};
}`;

// Backward partial sums of g and g * xhat (g = dy, masked by ReLU's step).
const gradPartial = (relu: boolean) => `
${
  bindings(
    ["partial"],
    relu ? ["dy", "x", "mean", "invStd", "gamma", "beta"] : ["dy", "x", "mean", "invStd"],
    GEOMETRY,
  )
}
${NORMALISE}
var<workgroup> sG: array<f32, 256>;
var<workgroup> sGx: array<f32, 256>;
@compute @workgroup_size(64, 4)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let c = wg.x * 64u + lid.x;
  let start = wg.y * P.rowsPerChunk;
  let end = min(P.rows, start + P.rowsPerChunk);
  var sg = 0.0;
  var sgx = 0.0;
  if (c < P.channels) {
    let m = mean[c];
    let s = invStd[c];
    for (var r = start + lid.y; r < end; r += 4u) {
      let i = r * P.channels + c;
      ${
  relu
    ? "let g = select(0.0, dy[i], normalised(x[i], m, s, gamma[c], beta[c]) > 0.0);"
    : "let g = dy[i];"
}
      sg += g;
      sgx += g * ((x[i] - m) * s);
    }
  }
  let t = lid.y * 64u + lid.x;
  sG[t] = sg;
  sGx[t] = sgx;
  workgroupBarrier();
  if (lid.y == 0u && c < P.channels) {
    let at = (wg.y * P.channels + c) * 2u;
    partial[at] = sG[lid.x] + sG[64u + lid.x] + sG[128u + lid.x] + sG[192u + lid.x];
    partial[at + 1u] = sGx[lid.x] + sGx[64u + lid.x] + sGx[128u + lid.x] + sGx[192u + lid.x];
  }
}`;

// Per channel: dgamma, dbeta, and the coefficients of the elementwise pass
// (mean, invStd, gamma, beta, dbeta/n, dgamma/n, gamma invStd), packed so
// that pass binds three buffers (WebGPU guarantees only eight per shader).
const gradFinal = (relu: boolean) => `
${
  bindings(
    ["dgamma", "dbeta", "coef"],
    ["partial", "mean", "invStd", "gamma", ...(relu ? ["beta"] : [])],
    [...GEOMETRY, "count: f32"],
  )
}
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let c = gid.x;
  if (c >= P.channels) { return; }
  var sg = 0.0;
  var sgx = 0.0;
  for (var k = 0u; k < P.chunks; k++) {
    let at = (k * P.channels + c) * 2u;
    sg += partial[at];
    sgx += partial[at + 1u];
  }
  dbeta[c] = sg;
  dgamma[c] = sgx;
  let at = c * 8u;
  coef[at] = mean[c];
  coef[at + 1u] = invStd[c];
  coef[at + 2u] = gamma[c];
  coef[at + 3u] = ${relu ? "beta[c]" : "0.0"};
  coef[at + 4u] = sg / P.count;
  coef[at + 5u] = sgx / P.count;
  coef[at + 6u] = gamma[c] * invStd[c];
}`;

const gradApply = (relu: boolean) => `
${bindings(["dx"], ["dy", "x", "coef"], ["size: u32", "channels: u32"])}
${NORMALISE}
@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = ${flatIndex()};
  if (i >= P.size) { return; }
  let at = (i % P.channels) * 8u;
  let m = coef[at];
  let s = coef[at + 1u];
  ${
  relu
    ? "let g = select(0.0, dy[i], normalised(x[i], m, s, coef[at + 2u], coef[at + 3u]) > 0.0);"
    : "let g = dy[i];"
}
  let xhat = (x[i] - m) * s;
  let centred = (g - coef[at + 4u]) - xhat * coef[at + 5u];
  dx[i] = centred * coef[at + 6u];
}`;

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

const RUNNING_STATS = `
${
  bindings(["newMean", "newVar"], ["rm", "rv", "m", "v"], [
    "channels: u32",
    "momentum: f32",
    "unbias: f32",
  ])
}
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let c = gid.x;
  if (c >= P.channels) { return; }
  newMean[c] = (1.0 - P.momentum) * rm[c] + P.momentum * m[c];
  newVar[c] = (1.0 - P.momentum) * rv[c] + P.momentum * v[c] * P.unbias;
}`;

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
