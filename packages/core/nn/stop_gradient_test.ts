import assert from "node:assert/strict";
import { tf } from "../backend/tf.ts";
import { initBackend } from "../backend/backend.ts";
import { stopGradient } from "./stop_gradient.ts";

Deno.test("stopGradient passes values and blocks gradients", async () => {
  await initBackend("cpu");
  const x = tf.tensor1d([1, -2, 3]);
  const g = tf.grad((a: tf.Tensor) => tf.sum(tf.mul(stopGradient(a), a)))(x);
  // d/da sum(c * a) with c = a held constant is a, not 2a.
  assert.deepEqual(Array.from(await g.data()), [1, -2, 3]);
  const before = tf.memory().numTensors;
  const s = stopGradient(x);
  assert.deepEqual(Array.from(await s.data()), [1, -2, 3]);
  s.dispose();
  assert.equal(tf.memory().numTensors, before);
  assert.deepEqual(Array.from(await x.data()), [1, -2, 3], "disposing the copy keeps the source");
  tf.dispose([x, g]);
});

Deno.test("stopGradient cuts ops without a gradient (TopK) out of the tape", async () => {
  await initBackend("cpu");
  const x = tf.tensor1d([0.5, 2, 1]);
  const g = tf.grad((a: tf.Tensor) => {
    const { values } = tf.topk(stopGradient(a), 1);
    return tf.sum(tf.mul(a, values));
  })(x);
  assert.deepEqual(Array.from(await g.data()), [2, 2, 2]);
  tf.dispose([x, g]);
});
