/**
 * The reference's step schedule (`MyStepLR`, stepped after each epoch): epoch
 * 0 runs at lr; epoch e >= 1 at max(lr * gamma^floor((e-1)/step), minLr).
 * An optional linear warm-up over the first steps multiplies it; the
 * reference has none (warmupSteps 0).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { learningRate } from "./lr_schedule.ts";
 * const s = { lr: 1e-3, lrStep: 40, lrGamma: 0.1, minLr: 1e-7, warmupSteps: 0 };
 * assert.equal(learningRate(s, 41, 0), 1e-3 * 0.1);
 * // A warm-up ramps the first steps linearly.
 * assert.equal(learningRate({ ...s, warmupSteps: 10 }, 0, 4), 1e-3 * 0.5);
 * ```
 * @module
 */

/** The schedule's settings. */
export interface LrSettings {
  lr: number;
  lrStep: number;
  lrGamma: number;
  minLr: number;
  warmupSteps: number;
}

/**
 * Learning rate for `epoch` (0-based) at global step `step` (0-based).
 *
 * @param s the schedule's settings.
 * @param epoch the epoch, from 0.
 * @param step the global step, from 0.
 * @returns the learning rate.
 */
export function learningRate(s: LrSettings, epoch: number, step: number): number {
  let lr = epoch === 0
    ? s.lr
    : Math.max(s.lr * s.lrGamma ** Math.floor((epoch - 1) / s.lrStep), s.minLr);
  if (s.warmupSteps > 0 && step < s.warmupSteps) lr *= (step + 1) / s.warmupSteps;
  return lr;
}
