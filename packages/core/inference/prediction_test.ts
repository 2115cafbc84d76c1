import assert from "node:assert/strict";
import { makePrediction, softmax } from "./prediction.ts";

Deno.test("makePrediction thresholds the mask, picks the class and softmaxes the logits", () => {
  const p = makePrediction({
    width: 3,
    height: 1,
    mask: Float32Array.of(0.2, 0.5, 0.9),
    logits: [0, Math.log(3)],
    localizerLogits: [1, 1],
    classes: ["a", "b"],
    threshold: 0.5,
  });
  assert.deepEqual(Array.from(p.binary), [0, 1, 1]);
  assert.ok(Math.abs(p.maskArea - 2 / 3) < 1e-12);
  assert.equal(p.className, "b");
  assert.ok(Math.abs(p.probabilities[1] - 0.75) < 1e-12);
  assert.deepEqual(p.localizerProbabilities, [0.5, 0.5]);
  assert.throws(
    () => makePrediction({ ...p, mask: Float32Array.of(1), logits: [1, 2], classes: ["a", "b"] }),
    /1 values for a 3x1 image/,
  );
  assert.deepEqual(softmax([1000, 1000]), [0.5, 0.5]);
});
