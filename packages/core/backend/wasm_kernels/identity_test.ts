// The wasm Identity shares its input's buffer: values survive the disposal
// of either tensor, the buffer is freed with the last of them, and a
// variable assigned from a clone keeps its value.
import assert from "node:assert/strict";
import { tf } from "../tf.ts";
import { initBackend } from "../backend.ts";

Deno.test("wasm Identity shares the buffer and frees it with the last tensor", async () => {
  await initBackend("wasm");
  const before = tf.memory();
  const a = tf.tensor2d([[1, 2], [3, 4]]);
  const b = tf.clone(a);
  assert.equal(tf.memory().numDataBuffers, before.numDataBuffers + 1, "the clone copied");
  a.dispose();
  assert.deepEqual(Array.from(await b.data()), [1, 2, 3, 4]);
  const v = tf.variable(b);
  b.dispose();
  assert.deepEqual(Array.from(await v.data()), [1, 2, 3, 4]);
  const next = tf.tensor2d([[5, 6], [7, 8]]);
  v.assign(next);
  next.dispose();
  assert.deepEqual(Array.from(await v.data()), [5, 6, 7, 8]);
  v.dispose();
  assert.equal(tf.memory().numTensors, before.numTensors);
  assert.equal(tf.memory().numDataBuffers, before.numDataBuffers);
});
