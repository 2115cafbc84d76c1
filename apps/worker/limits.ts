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

/** What one request may carry. */
export interface Limits {
  /** Largest request body, in bytes. */
  maxBytes: number;
  /** Largest image, in pixels (width x height, read from the header). */
  maxPixels: number;
  /** Requests worked on at once (read, decode, run, encode). */
  maxConcurrent: number;
  /** Requests that may wait for a place; more get 503. */
  maxQueued: number;
}

/**
 * 16 MiB and 16 megapixels (a 4000x4000 slide tile: a few hundred MB of
 * buffers while it is worked on), two at once, 64 waiting.
 */
export const DEFAULT_LIMITS: Readonly<Limits> = {
  maxBytes: 16 << 20,
  maxPixels: 16_000_000,
  maxConcurrent: 2,
  maxQueued: 64,
};

/**
 * The defaults with `overrides` applied; throws on a limit that is not a positive integer.
 *
 * @param overrides the limits to change.
 * @returns every limit.
 * @throws {Error} naming a limit that is not a positive integer.
 */
export function resolveLimits(overrides: Partial<Limits> = {}): Limits {
  const limits = { ...DEFAULT_LIMITS, ...overrides };
  for (const [k, v] of Object.entries(limits)) {
    if (!Number.isInteger(v) || v <= 0) throw new Error(`limit ${k} must be a positive integer`);
  }
  return limits;
}
