/**
 * The heap side of the Winograd kernels' calls (`winograd.ts`,
 * `winograd_filter_grad.ts`): the parameter block the C exports read, its
 * Sync block, scratch laid out in 64-byte-aligned parts, and the strides
 * that `simd/winograd_tiles.h` computes the same way.
 *
 * @example
 * ```ts ignore
 * const { t, at } = allocate(simd, [PARAM_INTS + SYNC_INTS, floats]);
 * writeParams(simd, at[0], fields);
 * runThreaded(simd, "winograd_conv", at[0], simd.threads);
 * ```
 * @module
 */
import type { tf } from "../tf.ts";
import type { SimdLoops } from "./simd_loops.ts";

/** A stride-1 3x3 correlation y[oy][ox] = sum x[oy + i - top][ox + j - left] w[i][j]. */
export interface WinogradGeometry {
  batch: number;
  inH: number;
  inW: number;
  /** Channels of x, the products' depth. */
  inC: number;
  outH: number;
  outW: number;
  outC: number;
  top: number;
  left: number;
}

/** n rounded up to a multiple of k. */
export const round = (n: number, k: number) => Math.ceil(n / k) * k;
/** `spread` of winograd.c: a stride of whole 64-byte lines, an odd number of them. */
export const spread = (floats: number) => {
  const f = round(floats, 16);
  return f % 32 === 0 ? f + 16 : f;
};

// Int32 fields before the Sync block and the buffers (see winograd.c).
export const PARAM_INTS = 40;

/** Tile counts and the 15 Geometry fields of winograd.c, in order. */
export function geometryFields(
  g: WinogradGeometry,
  m: number,
  chunk: number,
  threads: number,
  sync: number,
) {
  const tilesH = Math.ceil(g.outH / m), tilesW = Math.ceil(g.outW / m);
  return [
    g.batch,
    g.inH,
    g.inW,
    g.inC,
    g.outH,
    g.outW,
    g.outC,
    g.top,
    g.left,
    m,
    tilesH,
    tilesW,
    chunk,
    threads,
    sync,
  ];
}

/** Heap scratch laid out in 64-byte-aligned parts; the caller frees it. */
export function allocate(simd: SimdLoops, floats: number[]): { t: tf.TensorInfo; at: number[] } {
  const at: number[] = [];
  let total = 0;
  for (const f of floats) {
    at.push(total);
    total += round(f, 16);
  }
  const t = simd.backend.makeOutput([total + 16], "float32");
  const base = round(simd.address(t), 64);
  return { t, at: at.map((o) => base + 4 * o) };
}

/** Runs `name` on the pool with the parameter block at `params`. */
export function runThreaded(
  simd: SimdLoops,
  name: "winograd_conv" | "winograd_filter_grad",
  params: number,
  threads: number,
): void {
  simd.pool.run(name, params, threads, (arg, tid) => simd.fn[name](arg, tid));
}

/** Writes the Winograd parameter block and its zeroed Sync block (`SimdLoops.writeParams`). */
export function writeParams(simd: SimdLoops, at: number, fields: number[]): void {
  simd.writeParams(at, PARAM_INTS, fields);
}
