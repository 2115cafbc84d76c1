import assert from "node:assert/strict";
import { tf } from "../backend/tf.ts";
import { initBackend } from "../backend/backend.ts";
import { crossEntropy, crossEntropyPerSample, uniformCrossEntropy } from "./losses.ts";

const close = (a: number, b: number, tol = 1e-5) =>
  assert.ok(Math.abs(a - b) <= tol, `${a} != ${b}`);

Deno.test("cross-entropy matches hand-computed values", async () => {
  await initBackend("cpu");
  // Row 1: logits (0, ln 3) -> p = (1/4, 3/4); label 1 -> -ln(3/4).
  // Row 2: logits (2, 2) -> p = (1/2, 1/2); label 0 -> ln 2.
  const logits = tf.tensor2d([[0, Math.log(3)], [2, 2]]);
  const per = await crossEntropyPerSample(logits, [1, 0]).data();
  close(per[0], -Math.log(0.75));
  close(per[1], Math.log(2));
  close((await crossEntropy(logits, [1, 0]).data())[0], (-Math.log(0.75) + Math.log(2)) / 2);
  assert.throws(() => crossEntropy(logits, [1]), /got 1 labels for a batch of 2/);
  logits.dispose();
});

Deno.test("uniform cross-entropy is -mean log-softmax and equals KL(U||p) + log C", async () => {
  await initBackend("cpu");
  // Softmax of (0, ln 3) is (1/4, 3/4): -(ln 1/4 + ln 3/4)/2.
  const logits = tf.tensor2d([[0, Math.log(3)]]);
  const v = (await uniformCrossEntropy(logits).data())[0];
  close(v, -(Math.log(0.25) + Math.log(0.75)) / 2);
  const kl = 0.5 * Math.log(0.5 / 0.25) + 0.5 * Math.log(0.5 / 0.75);
  close(v, kl + Math.log(2));
  // Minimal (= log C) exactly when the prediction is uniform.
  close((await uniformCrossEntropy(tf.tensor2d([[5, 5, 5]])).data())[0], Math.log(3));
  logits.dispose();
});

Deno.test("the uniform loss pushes logits towards equality", async () => {
  await initBackend("cpu");
  const g = await tf.grad((x: tf.Tensor) => uniformCrossEntropy(x as tf.Tensor2D))(
    tf.tensor2d([[0, Math.log(3)]]),
  ).data();
  // d/dz of -mean(log softmax) = (p - 1/C) / B: (1/4 - 1/2, 3/4 - 1/2).
  close(g[0], -0.25);
  close(g[1], 0.25);
});
