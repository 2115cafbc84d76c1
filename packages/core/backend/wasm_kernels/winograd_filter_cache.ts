/**
 * Transformed Winograd filters kept between inference calls. A forward
 * Winograd convolution transforms its whole filter (G g G^T at every one of
 * the alpha^2 points) on every call; on the small maps of a network's last
 * stages that costs more than the products themselves (a 512x512 layer's
 * F(4x4) transform writes 38 MB for a 17x25 map). At inference the filters do
 * not change between calls, and the same weights serve both passes of a
 * min-max prediction, so the transform is kept, on the wasm heap, keyed by
 * the filter's tensor data:
 *
 * - only outside gradient recording (a training step's filters change every
 *   step and their transforms would only add to its peak memory);
 * - on maps of every size: on large maps the filter's transform is cheap
 *   beside the products, yet still 6% of a 68x100 map's 128-channel layer
 *   (a perf profile of repeated calls), and the transforms of all of
 *   ResNet-18's stride-1 3x3 filters take about 160 MB;
 * - dropped when the filter's data is freed (tfjs gives every new value,
 *   assigned weights included, new data: tensor data is never written in
 *   place), and least recently used first beyond `filterCache.limitBytes`.
 *
 * @example
 * ```ts ignore
 * const kept = keptFilter(simd, w, m, floats);
 * ```
 * @module
 */
import type { tf } from "../tf.ts";
import { gradientsRecorded } from "../fused.ts";
import type { SimdLoops, WasmBackendInternals } from "./simd_loops.ts";

/** Settings and counters of the cache (tests and the bench read them). */
export const filterCache = {
  /** Bytes of transformed filters kept per backend at most (0: none kept, none used). */
  limitBytes: 256 << 20,
  /** Calls that found their filter's transform kept. */
  hits: 0,
  /** Calls that transformed their filter and kept the result. */
  kept: 0,
};

interface Entry {
  t: tf.TensorInfo;
  bytes: number;
}

interface Store {
  /** By filter data, then tile size; in order of last use. */
  entries: Map<object, Map<number, Entry>>;
  bytes: number;
}

const stores = new WeakMap<object, Store>();

/** The backend's store, its `disposeData` wrapped once to drop a freed filter's transforms. */
function storeOf(backend: WasmBackendInternals): Store {
  const store = stores.get(backend);
  if (store !== undefined) return store;
  const s: Store = { entries: new Map(), bytes: 0 };
  stores.set(backend, s);
  const dispose = backend.disposeData.bind(backend);
  backend.disposeData = (dataId: object, ...rest: unknown[]) => {
    const freed = (dispose as (id: object, ...r: unknown[]) => boolean)(dataId, ...rest);
    if (freed && s.entries.has(dataId)) drop(backend, s, dataId);
    return freed;
  };
  return s;
}

function drop(backend: WasmBackendInternals, s: Store, dataId: object): void {
  for (const e of s.entries.get(dataId)?.values() ?? []) {
    s.bytes -= e.bytes;
    backend.disposeData(e.t.dataId);
  }
  s.entries.delete(dataId);
}

/** Where a kept transform lies, and whether it is already filled. */
export interface KeptFilter {
  /** Byte address, 64-byte aligned, of `floats` floats. */
  address: number;
  /** True when an earlier call filled it; false when this call must. */
  ready: boolean;
}

/**
 * The kept transform of filter `w` for tile `m` (`floats` floats), or a new
 * buffer for this call to fill and keep; undefined when nothing is kept
 * (gradients recorded, or over the limit).
 */
export function keptFilter(
  simd: SimdLoops,
  w: tf.TensorInfo,
  m: number,
  floats: number,
): KeptFilter | undefined {
  if (filterCache.limitBytes <= 0) return undefined;
  const backend = simd.backend;
  const s = storeOf(backend);
  const byTile = s.entries.get(w.dataId);
  const hit = byTile?.get(m);
  const align = (t: tf.TensorInfo) => Math.ceil(simd.address(t) / 64) * 64;
  if (hit !== undefined) {
    // Most recently used last.
    s.entries.delete(w.dataId);
    s.entries.set(w.dataId, byTile!);
    filterCache.hits++;
    return { address: align(hit.t), ready: true };
  }
  const bytes = 4 * (floats + 16);
  if (gradientsRecorded() || bytes > filterCache.limitBytes) return undefined;
  for (const id of s.entries.keys()) {
    if (s.bytes + bytes <= filterCache.limitBytes) break;
    drop(backend, s, id);
  }
  const t = backend.makeOutput([floats + 16], "float32");
  const tiles = s.entries.get(w.dataId) ?? new Map<number, Entry>();
  tiles.set(m, { t, bytes });
  s.entries.delete(w.dataId);
  s.entries.set(w.dataId, tiles);
  s.bytes += bytes;
  filterCache.kept++;
  return { address: align(t), ready: false };
}

/** Forgets the transform `keptFilter` just handed out unfilled (its call failed). */
export function forgetFilter(simd: SimdLoops, w: tf.TensorInfo, m: number): void {
  const s = storeOf(simd.backend);
  const byTile = s.entries.get(w.dataId);
  const e = byTile?.get(m);
  if (byTile === undefined || e === undefined) return;
  byTile.delete(m);
  if (byTile.size === 0) s.entries.delete(w.dataId);
  s.bytes -= e.bytes;
  simd.backend.disposeData(e.t.dataId);
}

/** Bytes kept on `simd`'s backend now. */
export function keptFilterBytes(simd: SimdLoops): number {
  return storeOf(simd.backend).bytes;
}
