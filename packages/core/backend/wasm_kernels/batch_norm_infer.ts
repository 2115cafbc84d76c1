/**
 * `FusedBatchNorm` (inference: fixed statistics) for the wasm backend, by a
 * WASM-SIMD loop on the kernel pool's threads (`simd/inference.c`): tfjs's
 * own kernel spent 4-5 ns an element, 108 ms of a 775x522 ResNet-18
 * prediction on one thread. Statistics of any shape other than one value per
 * channel fall back to tfjs's kernel.
 *
 * @example
 * ```ts ignore
 * tf.registerKernel(wrapWasmKernel(tf.getKernel("FusedBatchNorm", "wasm")!, batchNormInfer));
 * ```
 * @module
 */
import type { tf } from "../tf.ts";
import { simdLoopsFor } from "./simd_loops.ts";
import type { KernelArgs } from "./wrap_kernel.ts";

const PARAM_INTS = 16;
const SYNC_INTS = 16;

/** y = (x - mean) * scale / sqrt(variance + eps) + offset, or undefined to fall back. */
export function batchNormInfer(args: KernelArgs): tf.TensorInfo | undefined {
  const simd = simdLoopsFor(args.backend);
  const { x, mean, variance, offset, scale } = args.inputs as Record<string, tf.TensorInfo | null>;
  if (simd === undefined || x == null || mean == null || variance == null) return undefined;
  if (x.dtype !== "float32" || x.shape.length === 0) return undefined;
  const c = x.shape[x.shape.length - 1];
  const size = (t: tf.TensorInfo) => t.shape.reduce((a, b) => a * b, 1);
  const stats = [mean, variance, offset, scale].filter((t): t is tf.TensorInfo => t != null);
  if (stats.some((t) => size(t) !== c || t.dtype !== "float32")) return undefined;
  const rows = size(x) / c;
  const y = simd.backend.makeOutput(x.shape, "float32");
  if (rows === 0 || c === 0) return y;
  const block = simd.backend.makeOutput([PARAM_INTS + SYNC_INTS + 2 * c], "float32");
  try {
    const base = simd.address(block);
    const at = (t: tf.TensorInfo | null | undefined) => (t == null ? 0 : simd.address(t));
    const view = new Int32Array(simd.memory.buffer, base, PARAM_INTS + SYNC_INTS);
    view.fill(0);
    view.set([
      at(x),
      rows,
      c,
      at(mean),
      at(variance),
      at(offset),
      at(scale),
      0,
      at(y),
      base + 4 * (PARAM_INTS + SYNC_INTS),
      simd.threads,
      base + 4 * PARAM_INTS,
    ]);
    new Float32Array(simd.memory.buffer, base + 4 * 7, 1)[0] =
      (args.attrs as { varianceEpsilon?: number } | undefined)?.varianceEpsilon ?? 0.001;
    view[PARAM_INTS + 3] = simd.pool.mainBlocks ? 1 : 0;
    simd.pool.run("bn_infer", base, simd.threads, (arg, tid) => simd.fn.bn_infer(arg, tid));
    return y;
  } finally {
    simd.backend.disposeData(block.dataId);
  }
}
