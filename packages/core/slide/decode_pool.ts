/**
 * Worker threads that decode a slide's compressed tiles (JPEG, LZW,
 * deflate...) off the main thread: geotiff's own `Pool`, with workers that
 * run the project's decoders (`tile_decode_worker.ts`). Reading a region
 * then only fetches bytes and assembles pixels on the calling thread, so
 * the next tiles can be decoded while the model runs on this batch.
 *
 * geotiff hands each TIFF tile's bytes to a worker once they are fetched;
 * fetching, assembling the region and the YCbCr to RGB conversion stay on
 * the calling thread, and a synchronous model run holds that thread: so
 * only the decoding itself overlaps the model (measured on the benchmark
 * slide's JPEG tiles: the wait for 4 tiles read ahead of a 2 s blocking run
 * fell from 931 to 705 ms with 2 workers). On 2 cores the model's own
 * threads already take both cores, and decode workers made runs slower, so
 * the default there is none; with more cores, 1 (2 from 8 cores).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { defaultDecodeWorkers } from "./decode_pool.ts";
 * assert.equal(defaultDecodeWorkers(2), 0);
 * assert.equal(defaultDecodeWorkers(4), 1);
 * assert.equal(defaultDecodeWorkers(16), 2);
 * ```
 * @module
 */
import { Pool } from "geotiff";

/** Decode workers used when none are asked for: 0 up to 2 cores, 1 below 8, else 2. */
export function defaultDecodeWorkers(
  cores: number = globalThis.navigator?.hardwareConcurrency ?? 1,
): number {
  return cores <= 2 ? 0 : cores < 8 ? 1 : 2;
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
