/**
 * `FusedBatchNorm` (inference: fixed statistics) for the wasm backend, by a
 * WASM-SIMD loop on the kernel pool's threads (`simd/inference.c`): tfjs's
 * own kernel spent 4-5 ns an element, 108 ms of a 775x522 ResNet-18
 * prediction on one thread. Statistics of any shape other than one value per
 * channel fall back to tfjs's kernel.
 *
 * `PointwiseBatchNormInfer` is the same loop with a residual added and a ReLU
 * in the same pass, bit for bit the separate ops (`FusedBatchNorm`, `Add`,
 * `Relu`), which it runs where the loops are not loaded.
 *
 * @example
 * ```ts ignore
 * tf.registerKernel(wrapWasmKernel(tf.getKernel("FusedBatchNorm", "wasm")!, batchNormInfer));
 * ```
 * @module
 */
import type { tf } from "../tf.ts";
import { KernelScope } from "./kernel_scope.ts";
import { type SimdLoops, simdLoopsFor, SYNC_INTS } from "./simd_loops.ts";
import type { KernelArgs } from "./wrap_kernel.ts";

const PARAM_INTS = 16;

type Stats = Record<string, tf.TensorInfo | null | undefined>;

/** Whether the loop takes these inputs: float32, one statistic per channel. */
function fits(x: tf.TensorInfo | null | undefined, stats: Stats): x is tf.TensorInfo {
  if (x == null || stats.mean == null || stats.variance == null) return false;
  if (x.dtype !== "float32" || x.shape.length === 0) return false;
  const c = x.shape[x.shape.length - 1];
  const size = (t: tf.TensorInfo) => t.shape.reduce((a, b) => a * b, 1);
  return Object.values(stats).every((t) => t == null || (size(t) === c && t.dtype === "float32"));
}

/** Runs simd/inference.c's `bn_infer` on the pool: y = [relu](x a + b [+ residual]). */
function runBnInfer(
  simd: SimdLoops,
  x: tf.TensorInfo,
  stats: Stats,
  eps: number,
  residual: tf.TensorInfo | undefined,
  relu: boolean,
): tf.TensorInfo {
  const c = x.shape[x.shape.length - 1];
  const rows = x.shape.reduce((a, b) => a * b, 1) / c;
  const y = simd.backend.makeOutput(x.shape, "float32");
  if (rows === 0 || c === 0) return y;
  const block = simd.backend.makeOutput([PARAM_INTS + SYNC_INTS + 2 * c], "float32");
  try {
    const base = simd.address(block);
    const at = (t: tf.TensorInfo | null | undefined) => (t == null ? 0 : simd.address(t));
    simd.writeParams(base, PARAM_INTS, [
      at(x),
      rows,
      c,
      at(stats.mean),
      at(stats.variance),
      at(stats.offset),
      at(stats.scale),
      0,
      at(y),
      base + 4 * (PARAM_INTS + SYNC_INTS),
      simd.threads,
      base + 4 * PARAM_INTS,
      at(residual),
      relu ? 1 : 0,
    ]);
    new Float32Array(simd.memory.buffer, base + 4 * 7, 1)[0] = eps;
    simd.pool.run("bn_infer", base, simd.threads, (arg, tid) => simd.fn.bn_infer(arg, tid));
    return y;
  } finally {
    simd.backend.disposeData(block.dataId);
  }
}

/** y = (x - mean) * scale / sqrt(variance + eps) + offset, or undefined to fall back. */
export function batchNormInfer(args: KernelArgs): tf.TensorInfo | undefined {
  const simd = simdLoopsFor(args.backend);
  const { x, mean, variance, offset, scale } = args.inputs as Stats;
  const stats = { mean, variance, offset, scale };
  if (simd === undefined || !fits(x, stats)) return undefined;
  const eps = (args.attrs as { varianceEpsilon?: number } | undefined)?.varianceEpsilon ?? 0.001;
  return runBnInfer(simd, x, stats, eps, undefined, false);
}

/** Name of the inference batch norm with a residual and a ReLU (wasm only). */
export const BATCH_NORM_INFER = "PointwiseBatchNormInfer";

/** Its attributes: `relu(bn(x) + residual)`, the residual optional. */
export interface BatchNormInferAttrs {
  varianceEpsilon: number;
  relu: boolean;
}

function batchNormAct(args: KernelArgs): tf.TensorInfo {
  const { x, mean, variance, offset, scale, residual } = args.inputs as Stats;
  const { varianceEpsilon, relu } = args.attrs as unknown as BatchNormInferAttrs;
  const stats = { mean, variance, offset, scale };
  const simd = simdLoopsFor(args.backend);
  const sameShape = residual == null || residual.shape.join() === x?.shape.join();
  if (simd !== undefined && fits(x, stats) && sameShape) {
    return runBnInfer(simd, x, stats, varianceEpsilon, residual ?? undefined, relu);
  }
  // The separate ops, as the model runs them where this kernel is absent.
  const scope = new KernelScope(args.backend as never);
  try {
    let y = scope.run("FusedBatchNorm", { x: x!, ...stats } as tf.NamedTensorInfoMap, {
      varianceEpsilon,
    });
    if (residual != null) y = scope.run("Add", { a: y, b: residual });
    if (relu) y = scope.run("Relu", { x: y });
    return scope.keep(y);
  } finally {
    scope.dispose();
  }
}

/** Kernel registration of {@link BATCH_NORM_INFER} on wasm. */
export const batchNormInferConfig: tf.KernelConfig = {
  kernelName: BATCH_NORM_INFER,
  backendName: "wasm",
  kernelFunc: batchNormAct as unknown as tf.KernelFunc,
};
