import assert from "node:assert/strict";
import { niceTicks } from "./ticks.ts";

Deno.test("ticks are round numbers over a widened domain (hand-checked)", () => {
  // A loss from 0 to 2.18: steps of 0.5 up to 2.5, not 0.544 / 1.09.
  assert.deepEqual(niceTicks(0, 2.18), {
    domain: [0, 2.5],
    ticks: [0, 0.5, 1, 1.5, 2, 2.5],
    labels: ["0.0", "0.5", "1.0", "1.5", "2.0", "2.5"],
  });
  // Percentages between 12.4 and 87.9: 0 to 100 by 20.
  assert.deepEqual(niceTicks(12.4, 87.9).ticks, [0, 20, 40, 60, 80, 100]);
  assert.deepEqual(niceTicks(-1.2, 3.7).domain, [-2, 4]);
  assert.deepEqual(niceTicks(0, 0.003, 3).ticks, [0, 0.001, 0.002, 0.003]);
  // Reversed bounds are put in order; a single value gets an axis around it.
  assert.deepEqual(niceTicks(2.18, 0).domain, [0, 2.5]);
  assert.deepEqual(niceTicks(0, 0).domain, [0, 1]);
  assert.throws(() => niceTicks(0, NaN), /no axis/);
});

Deno.test("integer axes (epochs, counts) get whole ticks within the data", () => {
  // 12 epochs: no 3.25 or 5.5, and the axis ends at the last epoch.
  assert.deepEqual(niceTicks(1, 12, 6, true), {
    domain: [1, 12],
    ticks: [2, 4, 6, 8, 10, 12],
    labels: ["2", "4", "6", "8", "10", "12"],
  });
  assert.deepEqual(niceTicks(1, 3, 6, true).ticks, [1, 2, 3]);
  assert.deepEqual(niceTicks(1, 2, 6, true).ticks, [1, 2]);
  assert.deepEqual(niceTicks(1, 1, 6, true).ticks, [0, 1, 2]);
  assert.deepEqual(niceTicks(0, 7, 5, true).ticks, [0, 1, 2, 3, 4, 5, 6, 7]);
});
