/**
 * The filter gradient of stride-1 3x3 layers on the wasm backend by the
 * transposed Winograd transform (`simd/winograd_filter_grad.c`), on every
 * thread of the kernel pool: dg = G^T [sum over tiles (A dY A^T) . (B^T d B)] G,
 * one product per transform point with the tiles as depth (see
 * `winograd.ts` for the maths and the choice of tile).
 *
 * @example
 * ```ts ignore
 * const m = winogradTile("filter", info);
 * if (m !== undefined && simd) return winogradFilterGrad(simd, x, dy, info, m);
 * ```
 * @module
 */
import type { tf } from "../tf.ts";
import { type SimdLoops, SYNC_INTS } from "./simd_loops.ts";
import {
  forwardGeometry,
  winogradCalls,
  winogradChunkBytes,
  type WinogradTile,
} from "./winograd.ts";
import {
  allocate,
  geometryFields,
  PARAM_INTS,
  round,
  runThreaded,
  spread,
  writeParams,
} from "./winograd_heap.ts";

/**
 * The filter gradient dw[i][j][c][o] = sum x[b][y + i - top][x + j - left][c]
 * dy[b][y][x][o] of a stride-1 3x3 layer, by the transposed F(m x m, 3 x 3).
 * Tiles are summed chunk by chunk in a fixed order, whatever the threads.
 */
export function winogradFilterGrad(
  simd: SimdLoops,
  x: tf.TensorInfo,
  dy: tf.TensorInfo,
  info: tf.backend_util.Conv2DInfo,
  m: WinogradTile,
): tf.TensorInfo {
  if (m === 6) throw new RangeError("F(6x6,3x3) has no filter-gradient maps");
  const g = forwardGeometry(info);
  const a2 = (m + 2) ** 2, nc8 = round(g.outC, 8);
  const tiles = g.batch * Math.ceil(g.outH / m) * Math.ceil(g.outW / m);
  const chunk = Math.min(
    tiles,
    Math.max(16, Math.floor(winogradChunkBytes.filter / (4 * a2 * (g.inC + nc8)))),
  );
  const threads = simd.threads;
  const perThread = 8 * a2;
  const dw = simd.backend.makeOutput([3, 3, g.inC, g.outC], "float32");
  const { t, at } = allocate(simd, [
    PARAM_INTS + SYNC_INTS,
    a2 * (g.inC / 4) * spread(chunk * 4),
    a2 * (nc8 / 8) * spread(chunk * 8),
    a2 * spread(g.inC * nc8),
    threads * perThread,
  ]);
  try {
    const [params, v, mdy, acc, scratch] = at;
    const sync = params + 4 * PARAM_INTS;
    const fields = [
      ...geometryFields(g, m, chunk, threads, sync),
      simd.address(x),
      simd.address(dy),
      simd.address(dw),
      v,
      mdy,
      acc,
      scratch,
      perThread,
    ];
    writeParams(simd, params, fields);
    runThreaded(simd, "winograd_filter_grad", params, threads);
    winogradCalls.filter++;
    return dw;
  } catch (e) {
    simd.backend.disposeData(dw.dataId);
    throw e;
  } finally {
    simd.backend.disposeData(t.dataId);
  }
}
