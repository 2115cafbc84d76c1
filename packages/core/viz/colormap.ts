/**
 * A perceptually ordered colour map (an approximation of matplotlib's
 * "turbo"), for heat maps of values in [0, 1].
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { colormap } from "./colormap.ts";
 * const [r, g, b] = colormap(0.5);
 * assert.ok([r, g, b].every((v) => Number.isInteger(v) && v >= 0 && v <= 255));
 * assert.deepEqual(colormap(-1), colormap(0)); // values are clamped to [0, 1]
 * assert.notDeepEqual(colormap(0), colormap(1));
 * ```
 * @module
 */

/**
 * RGB (0-255) of value `t` in [0, 1] on the turbo colour map.
 *
 * @param t the value; outside [0, 1] it is clamped.
 */
export function colormap(t: number): [number, number, number] {
  const x = Math.min(1, Math.max(0, t));
  // Polynomial fit of turbo (Mikhailov, 2019), good to a few levels of 255.
  const r = 0.13572138 +
    x *
      (4.6153926 + x * (-42.66032258 + x * (132.13108234 + x * (-152.94239396 + x * 59.28637943))));
  const g = 0.09140261 +
    x * (2.19418839 + x * (4.84296658 + x * (-14.18503333 + x * (4.27729857 + x * 2.82956604))));
  const b = 0.1066733 +
    x *
      (12.64194608 +
        x * (-60.58204836 + x * (110.36276771 + x * (-89.90310912 + x * 27.34824973))));
  const c = (v: number) => Math.round(255 * Math.min(1, Math.max(0, v)));
  return [c(r), c(g), c(b)];
}
