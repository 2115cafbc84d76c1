/**
 * Request limits of the localization service, and the check of an image's
 * header against them before any decoding.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { DEFAULT_LIMITS, resolveLimits } from "./limits.ts";
 * const limits = resolveLimits({ maxPixels: 4_000_000 });
 * assert.equal(limits.maxPixels, 4_000_000);
 * assert.equal(limits.maxBytes, DEFAULT_LIMITS.maxBytes);
 * ```
 * @module
 */

/** What one request may carry, and what all of them together may hold. */
export interface Limits {
  /** Largest request body, in bytes. */
  maxBytes: number;
  /** Largest image, in pixels (width x height, read from the header). */
  maxPixels: number;
  /** Requests worked on at once (decode, run, encode); reading a body does not take a place. */
  maxConcurrent: number;
  /** Requests that may wait for a place; more get 503. */
  maxQueued: number;
  /** Time a request has to send its whole body, in milliseconds; then 408. */
  bodyTimeoutMs: number;
  /**
   * Bytes of request bodies held at once, read or being read, over all
   * requests; a body that would pass it gets 503. Defaults to four bodies of
   * `maxBytes`.
   */
  maxBufferedBytes: number;
}

/**
 * 16 MiB and 16 megapixels (a 4000x4000 slide tile: a few hundred MB of
 * buffers while it is worked on), two at once, 64 waiting, 30 s to send a
 * body, 64 MiB of bodies held at once.
 */
export const DEFAULT_LIMITS: Readonly<Limits> = {
  maxBytes: 16 << 20,
  maxPixels: 16_000_000,
  maxConcurrent: 2,
  maxQueued: 64,
  bodyTimeoutMs: 30_000,
  maxBufferedBytes: 64 << 20,
};

/**
 * The defaults with `overrides` applied; throws on a limit that is not a
 * positive integer, or a body budget smaller than one body.
 *
 * @param overrides the limits to change.
 * @returns every limit.
 * @throws {Error} naming a limit that is not valid.
 */
export function resolveLimits(overrides: Partial<Limits> = {}): Limits {
  const given = Object.fromEntries(
    Object.entries(overrides).filter(([, v]) => v !== undefined),
  ) as Partial<Limits>;
  const limits = { ...DEFAULT_LIMITS, ...given };
  if (given.maxBufferedBytes === undefined) {
    limits.maxBufferedBytes = Math.max(DEFAULT_LIMITS.maxBufferedBytes, 4 * limits.maxBytes);
  }
  for (const [k, v] of Object.entries(limits)) {
    if (!Number.isSafeInteger(v) || v <= 0) {
      throw new Error(`limit ${k} must be a positive integer, got ${v}`);
    }
  }
  if (limits.maxBufferedBytes < limits.maxBytes) {
    throw new Error(
      `limit maxBufferedBytes (${limits.maxBufferedBytes}) must be at least maxBytes (${limits.maxBytes})`,
    );
  }
  return limits;
}
