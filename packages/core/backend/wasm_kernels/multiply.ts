/**
 * `Multiply` for the wasm backend where one operand has one channel and the
 * other several, all else alike (`[..., c]` times `[..., 1]`, either way
 * round): by the WASM-SIMD module (`simd/broadcast.c`) on the kernel pool's
 * threads. tfjs's own kernel broadcasts element by element: 3.6 ms for X+ =
 * X M+ on a batch of 16 images of 128x128 (`tf.profile`, medians of 15),
 * against 0.16 ms for two operands of one shape. Every other product falls
 * back to tfjs's kernel. One multiplication per output: the same bits.
 *
 * @example
 * ```ts ignore
 * tf.registerKernel(wrapWasmKernel(tf.getKernel("Multiply", "wasm")!, multiply));
 * ```
 * @module
 */
import type { tf } from "../tf.ts";
import { simdLoopsFor, SYNC_INTS } from "./simd_loops.ts";
import type { KernelArgs } from "./wrap_kernel.ts";

const PARAM_INTS = 8;
/** Outputs from which the product is split over the pool's threads (below, waking them costs more). */
const THREADED_FROM = 1 << 16;

/** How many products took the WASM-SIMD loop (tests check that it is taken). */
export const multiplyCalls = { rows: 0 };

/** [full, one-channel], when the operands are a channel broadcast's; else undefined. */
function channelBroadcast(
  a: tf.TensorInfo,
  b: tf.TensorInfo,
): [tf.TensorInfo, tf.TensorInfo] | undefined {
  if (a.dtype !== "float32" || b.dtype !== "float32") return undefined;
  const r = a.shape.length;
  if (r < 2 || b.shape.length !== r) return undefined;
  if (a.shape.slice(0, -1).some((d, i) => d !== b.shape[i])) return undefined;
  const ca = a.shape[r - 1], cb = b.shape[r - 1];
  if (ca > 1 && cb === 1) return [a, b];
  if (cb > 1 && ca === 1) return [b, a];
  return undefined;
}

/** a * b by simd/broadcast.c's `mul_rows`, or undefined to fall back. */
export function multiply(args: KernelArgs): tf.TensorInfo | undefined {
  const { a, b } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
  const simd = simdLoopsFor(args.backend);
  const pair = simd === undefined ? undefined : channelBroadcast(a, b);
  if (simd === undefined || pair === undefined) return undefined;
  const [full, row] = pair;
  const c = full.shape[full.shape.length - 1];
  const rows = full.shape.slice(0, -1).reduce((p, d) => p * d, 1);
  const y = simd.backend.makeOutput(full.shape, "float32");
  if (rows === 0) return y;
  const threads = rows * c >= THREADED_FROM ? simd.threads : 1;
  simd.withScratch(PARAM_INTS + SYNC_INTS, (base) => {
    simd.writeParams(base, PARAM_INTS, [
      simd.address(full),
      simd.address(row),
      simd.address(y),
      rows,
      c,
      threads,
      base + 4 * PARAM_INTS,
    ]);
    simd.pool.run("mul_rows", base, threads, (arg, tid) => simd.fn.mul_rows(arg, tid));
  });
  multiplyCalls.rows++;
  return y;
}
