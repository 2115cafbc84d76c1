/**
 * Worker threads that decode a slide's compressed tiles (JPEG, LZW,
 * deflate...) off the main thread: geotiff's own `Pool`, with workers that
 * run the project's decoders (`tile_decode_worker.ts`). Reading a region
 * then only fetches bytes and assembles pixels on the calling thread, so
 * the next tiles can be decoded while the model runs on this batch.
 *
 * The default count: none on 2 cores or fewer (the model's own threads
 * already take both cores there), else a quarter of the cores (at least 1),
 * as decoding takes about a quarter of the model's time on the benchmark
 * slide (see `seconds.read` against `seconds.model` in a slide's summary).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { defaultDecodeWorkers } from "./decode_pool.ts";
 * assert.equal(defaultDecodeWorkers(2), 0);
 * assert.equal(defaultDecodeWorkers(16), 4);
 * ```
 * @module
 */
import { Pool } from "geotiff";

/** Decode workers used when none are asked for: 0 up to 2 cores, else a quarter of them. */
export function defaultDecodeWorkers(cores = globalThis.navigator?.hardwareConcurrency ?? 1): number {
  return cores <= 2 ? 0 : Math.max(1, Math.floor(cores / 4));
}

/** A pool of `workers` tile decoders (geotiff's `Pool`); `destroy()` ends them. */
export function decodePool(workers: number): Pool {
  if (!(Number.isInteger(workers) && workers >= 1)) {
    throw new RangeError(`decode workers must be a whole number >= 1, got ${workers}`);
  }
  return new Pool(
    workers,
    () => new Worker(new URL("./tile_decode_worker.ts", import.meta.url), { type: "module" }),
  );
}
