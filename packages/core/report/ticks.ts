/**
 * Axis ticks for the report's charts, from d3-scale: the domain is widened
 * to round numbers (`nice()`) and the ticks are 1, 2 or 5 times a power of
 * ten (`ticks()`), labelled with just the digits they need (`tickFormat()`).
 * Run while the page is written, so the page itself stays script-free.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { niceTicks } from "./ticks.ts";
 * assert.deepEqual(niceTicks(0, 2.18, 5).ticks, [0, 0.5, 1, 1.5, 2, 2.5]);
 * ```
 * @module
 */
import { scaleLinear } from "d3-scale";

/** A nice axis: its (widened) domain, tick values and their labels. */
export interface Axis {
  domain: [number, number];
  ticks: number[];
  labels: string[];
}

interface LinearScale {
  domain(): number[];
  domain(d: number[]): LinearScale;
  nice(count?: number): LinearScale;
  ticks(count?: number): number[];
  tickFormat(count?: number): (v: number) => string;
}

/**
 * About `count` ticks over [lo, hi]. `integer` keeps whole numbers only (epochs,
 * image counts), and then never widens the domain past the data (an epoch axis
 * ends at the last epoch).
 *
 * @param lo the data's lowest value.
 * @param hi its highest.
 * @param count about how many ticks.
 * @param integer whole numbers only.
 * @returns the axis's domain and ticks.
 * @throws {Error} for a bound that is not finite.
 */
export function niceTicks(lo: number, hi: number, count = 5, integer = false): Axis {
  if (!(Number.isFinite(lo) && Number.isFinite(hi))) throw new Error(`no axis for [${lo}, ${hi}]`);
  if (lo > hi) [lo, hi] = [hi, lo];
  if (lo === hi) {
    // One value: an axis of one unit around it (0..1 for zero).
    const pad = lo === 0 ? 1 : Math.abs(lo) / 2;
    [lo, hi] = integer ? [lo - 1, hi + 1] : [lo === 0 ? 0 : lo - pad, hi + pad];
  }
  const scale = (scaleLinear as unknown as () => LinearScale)().domain([lo, hi]);
  if (!integer) scale.nice(count);
  const [a, b] = scale.domain();
  let ticks = scale.ticks(count);
  if (integer) ticks = ticks.filter((t) => Number.isInteger(t));
  if (integer && ticks.length < 2) ticks = [...new Set([Math.ceil(a), Math.floor(b)])];
  const format = scale.tickFormat(count);
  return { domain: [a, b], ticks, labels: ticks.map((t) => integer ? String(t) : format(t)) };
}
