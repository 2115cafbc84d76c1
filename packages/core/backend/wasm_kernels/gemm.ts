/**
 * Matrix products of Pointwise's own kernels, `C = A B` in float32 on the
 * wasm heap, by the WASM-SIMD module (`simd/gemm.c`: the 4x8 microkernel of
 * `simd/gemm.h`) on every thread of the kernel pool. Either operand may be
 * read transposed, so that filters need no re-layout. Each element of C is
 * summed in the same order whatever the thread count.
 *
 * @example
 * ```ts ignore
 * // dw [taps, o] = cols [taps, pixels] x dy [pixels, o]
 * simdGemm(simd, taps, o, pixels, { t: cols, ld: pixels }, { t: dy, ld: o }, { t: dw, ld: o });
 * ```
 * @module
 */
import type { tf } from "../tf.ts";
import { type SimdLoops, SYNC_INTS } from "./simd_loops.ts";

/** A row-major matrix inside a tensor: element [r][c] at offset + r * ld + c (or c * ld + r). */
export interface GemmOperand {
  t: tf.TensorInfo;
  /** Floats before the first element (default 0). */
  offset?: number;
  /** Floats between consecutive rows as stored. */
  ld: number;
  /** Read the stored matrix transposed. */
  trans?: boolean;
}

/** Depth of a block of K: A and B panels of 4 and 8 rows then sit in L1. */
const KC = 256;
/** Rows of C per work item. */
const MC = 64;
const PARAM_INTS = 24;

/** C (m x n) = A (m x k) B (k x n); C is overwritten. */
export function simdGemm(
  simd: SimdLoops,
  m: number,
  n: number,
  k: number,
  a: GemmOperand,
  b: GemmOperand,
  c: GemmOperand,
): void {
  if (m === 0 || n === 0) return;
  if (k === 0) {
    for (let i = 0; i < m; i++) {
      new Float32Array(simd.memory.buffer, simd.address(c.t, (c.offset ?? 0) + i * c.ld), n).fill(
        0,
      );
    }
    return;
  }
  const threads = simd.threads;
  const kc = Math.min(KC, k);
  const n8 = Math.ceil(n / 8) * 8;
  const perThread = MC * kc + 32;
  const scratch = simd.backend.makeOutput([
    PARAM_INTS + SYNC_INTS + n8 * kc + threads * perThread + 16,
  ], "float32");
  try {
    const base = Math.ceil(simd.address(scratch) / 64) * 64;
    const sync = base + 4 * PARAM_INTS;
    const packB = sync + 4 * SYNC_INTS;
    const aPanels = packB + 4 * n8 * kc;
    const at = (o: GemmOperand) => simd.address(o.t, o.offset ?? 0);
    simd.writeParams(base, PARAM_INTS, [
      m,
      n,
      k,
      at(a),
      a.ld,
      a.trans ? 1 : 0,
      at(b),
      b.ld,
      b.trans ? 1 : 0,
      at(c),
      c.ld,
      kc,
      MC,
      packB,
      aPanels,
      perThread,
      threads,
      sync,
    ]);
    simd.pool.run("gemm", base, threads, (arg, tid) => simd.fn.gemm(arg, tid));
  } finally {
    simd.backend.disposeData(scratch.dataId);
  }
}
