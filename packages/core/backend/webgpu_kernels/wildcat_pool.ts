/**
 * WILDCAT pooling of a head in one dispatch each way.
 *
 * Forward, one workgroup per (image, class): the class map is the mean of
 * the class's M modality maps (channel c*M + m, the reference's view); each
 * cell's rank is the number of cells above it (ties to the lower index, as
 * tf.topk orders them); the k top-ranked cells get weight 1, or the dropout
 * factor of their rank (of their cell when k is every cell, as the composed
 * op indexes it); the score is the weighted sum over k. Outputs the class
 * maps [N,H,W,C], the scores [N,C] and the weights [N,C,H*W] for backward.
 *
 * Backward, elementwise over the modality maps:
 * d[n,p,c*M+m] = (dMaps[n,p,c] + dScores[n,c] weight[n,c,p] / k) / M.
 *
 * Composed from tfjs ops this is a mean, a transpose, TopK, OneHot, a cast,
 * a sum and the weighted sum forward, with their gradients backward.
 *
 * @example
 * ```ts ignore
 * const [maps, scores, weights] = tf.engine().runKernel(WILDCAT_POOL, { x, drop },
 *   { classes: 2, modalities: 5, k: 4 }) as tf.Tensor[];
 * ```
 * @module
 */
import { tf } from "../tf.ts";
import { WILDCAT_MAX_CELLS, WILDCAT_POOL, WILDCAT_POOL_GRAD } from "./names.ts";
import { asWebGpu, bindings, flatIndex, grid, runProgram } from "./gpu_program.ts";

const forwardWgsl = (dropout: boolean) => `
${
  bindings(["maps", "scores", "weights"], dropout ? ["x", "drop"] : ["x"], [
    "cells: u32",
    "classes: u32",
    "modalities: u32",
    "k: u32",
  ])
}
var<workgroup> v: array<f32, ${WILDCAT_MAX_CELLS}>;
var<workgroup> sums: array<f32, 256>;
@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let n = wg.x / P.classes;
  let c = wg.x % P.classes;
  let width = P.classes * P.modalities;
  for (var p = lid.x; p < P.cells; p += 256u) {
    let at = (n * P.cells + p) * width + c * P.modalities;
    var s = 0.0;
    for (var m = 0u; m < P.modalities; m++) { s += x[at + m]; }
    let value = s / f32(P.modalities);
    v[p] = value;
    maps[(n * P.cells + p) * P.classes + c] = value;
  }
  workgroupBarrier();
  var total = 0.0;
  let row = wg.x * P.cells;
  for (var p = lid.x; p < P.cells; p += 256u) {
    let value = v[p];
    var rank = 0u;
    for (var q = 0u; q < P.cells; q++) {
      let other = v[q];
      if (other > value || (other == value && q < p)) { rank++; }
    }
    var weight = 0.0;
    if (rank < P.k) {
      ${dropout ? "weight = drop[wg.x * P.k + select(rank, p, P.k == P.cells)];" : "weight = 1.0;"}
    }
    weights[row + p] = weight;
    total += value * weight;
  }
  sums[lid.x] = total;
  for (var s = 128u; s > 0u; s >>= 1u) {
    workgroupBarrier();
    if (lid.x < s) { sums[lid.x] += sums[lid.x + s]; }
  }
  if (lid.x == 0u) { scores[wg.x] = sums[0] / f32(P.k); }
}`;

const BACKWARD = `
${
  bindings(["dx"], ["dScores", "dMaps", "weights"], [
    "size: u32",
    "cells: u32",
    "classes: u32",
    "modalities: u32",
    "k: f32",
  ])
}
@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = ${flatIndex()};
  if (i >= P.size) { return; }
  let width = P.classes * P.modalities;
  let pixel = i / width;
  let c = (i % width) / P.modalities;
  let n = pixel / P.cells;
  let p = pixel % P.cells;
  let nc = n * P.classes + c;
  let d = dMaps[pixel * P.classes + c] + dScores[nc] * weights[nc * P.cells + p] / P.k;
  dx[i] = d / f32(P.modalities);
}`;

type KernelArgs = { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap };
interface PoolAttrs {
  classes: number;
  modalities: number;
  k: number;
}

function wildcatPool(args: KernelArgs): tf.TensorInfo[] {
  const { x, drop } = args.inputs as Record<string, tf.TensorInfo | undefined>;
  const { classes, modalities, k } = args.attrs as unknown as PoolAttrs;
  const b = asWebGpu(args.backend);
  const [n, h, w, cm] = x!.shape;
  const cells = h * w;
  if (cm !== classes * modalities) {
    throw new Error(`${WILDCAT_POOL}: expected ${classes * modalities} channels, got ${cm}`);
  }
  if (cells > WILDCAT_MAX_CELLS) {
    throw new Error(`${WILDCAT_POOL}: maps of ${cells} cells exceed ${WILDCAT_MAX_CELLS}`);
  }
  if (!(k >= 1 && k <= cells)) throw new Error(`${WILDCAT_POOL}: k ${k} not in [1, ${cells}]`);
  const outs = [
    b.makeTensorInfo([n, h, w, classes], "float32"),
    b.makeTensorInfo([n, classes], "float32"),
    b.makeTensorInfo([n, classes, cells], "float32"),
  ];
  const dropout = drop !== undefined;
  runProgram(b, {
    key: `pointwise_wildcat_pool_${dropout}`,
    wgsl: () => forwardWgsl(dropout),
    outputs: outs,
    inputs: dropout ? [x!, drop] : [x!],
    params: [
      { type: "u32", value: cells },
      { type: "u32", value: classes },
      { type: "u32", value: modalities },
      { type: "u32", value: k },
    ],
    workgroups: [n * classes, 1, 1],
  });
  return outs;
}

function wildcatPoolGrad(args: KernelArgs): tf.TensorInfo {
  const { dScores, dMaps, weights } = args.inputs as Record<string, tf.TensorInfo>;
  const { classes, modalities, k } = args.attrs as unknown as PoolAttrs;
  const b = asWebGpu(args.backend);
  const [n, h, w] = dMaps.shape;
  const shape = [n, h, w, classes * modalities];
  const size = n * h * w * classes * modalities;
  const dx = b.makeTensorInfo(shape, "float32");
  runProgram(b, {
    key: "pointwise_wildcat_pool_grad",
    wgsl: () => BACKWARD,
    outputs: [dx],
    inputs: [dScores, dMaps, weights],
    params: [
      { type: "u32", value: size },
      { type: "u32", value: h * w },
      { type: "u32", value: classes },
      { type: "u32", value: modalities },
      { type: "f32", value: k },
    ],
    workgroups: grid(size),
  });
  return dx;
}

/** Kernel registrations on webgpu. */
export const wildcatPoolConfigs: readonly tf.KernelConfig[] = [
  {
    kernelName: WILDCAT_POOL,
    backendName: "webgpu",
    kernelFunc: wildcatPool as unknown as tf.KernelFunc,
  },
  {
    kernelName: WILDCAT_POOL_GRAD,
    backendName: "webgpu",
    kernelFunc: wildcatPoolGrad as unknown as tf.KernelFunc,
  },
];

/** The forward kernel's gradient: the modality maps' from the maps' and the scores'. */
export const wildcatPoolGradConfig: tf.GradConfig = {
  kernelName: WILDCAT_POOL,
  outputsToSave: [false, false, true],
  gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[], attrs: tf.NamedAttrMap) => {
    const [dMaps, dScores] = dy as tf.Tensor[];
    return {
      x: () =>
        tf.engine().runKernel(
          WILDCAT_POOL_GRAD,
          { dScores, dMaps, weights: saved[0] },
          attrs,
        ) as tf.Tensor,
    };
  },
};
