import assert from "node:assert/strict";
import { tf } from "../backend/tf.ts";
import { initBackend } from "../backend/backend.ts";
import { accumulateMask, eraseInput, erasingTrust } from "./erasing.ts";

Deno.test("erasing trust: predicted-class confidence, decay, correctness, no worse loss, history", () => {
  // Three samples, two classes, pass t = 2, sigma 10.
  // s0: predicts 0 = label, p 0.8, loss not worse -> exp(-0.2) * 0.8.
  // s1: predicts 1 != label 0 -> trust 0, history becomes 0.
  // s2: predicts 1 = label, but its loss grew since pass 0 -> trust 0, history stays 1.
  const r = erasingTrust({
    t: 2,
    probs: [0.8, 0.2, 0.3, 0.7, 0.4, 0.6],
    classes: 2,
    labels: [0, 0, 1],
    lcs: [0.2, 1.2, 0.51],
    lcs0: [0.3, 0.4, 0.5],
    history: [1, 1, 1],
    sigmaErase: 10,
  });
  assert.ok(Math.abs(r.trust[0] - Math.exp(-0.2) * 0.8) < 1e-12);
  assert.deepEqual(r.trust.slice(1), [0, 0]);
  assert.deepEqual(r.history, [1, 0, 1]);
});

Deno.test("erasing trust: a sample once misclassified is never trusted again", () => {
  const r = erasingTrust({
    t: 1,
    probs: [0.9, 0.1],
    classes: 2,
    labels: [0],
    lcs: [0.1],
    lcs0: [0.5],
    history: [0],
    sigmaErase: 10,
  });
  assert.deepEqual(r.trust, [0]);
  assert.deepEqual(r.history, [0]);
});

Deno.test("erasing accumulates m_pos = max(m_pos, trust R) and erases trusted samples only", async () => {
  await initBackend("cpu");
  const mPos = tf.tensor4d([0.5, 0, 0, 0], [2, 1, 2, 1]);
  const r = tf.tensor4d([0.4, 1, 1, 0.5], [2, 1, 2, 1]);
  // Sample 0 trust 0.5: max((0.5, 0), (0.2, 0.5)) = (0.5, 0.5). Sample 1 trust 0: (0, 0).
  const next = accumulateMask(mPos, [0.5, 0], r);
  assert.deepEqual(Array.from(await next.data()), [0.5, 0.5, 0, 0]);
  const x = tf.tensor4d([2, 4, 6, 8], [2, 1, 2, 1]);
  // Trusted sample 0: x * (1 - m_pos); untrusted sample 1 unchanged even with a non-zero mask.
  const erased = eraseInput(x, tf.tensor4d([0.5, 0.25, 0.5, 0.5], [2, 1, 2, 1]), [0.3, 0]);
  assert.deepEqual(Array.from(await erased.data()), [1, 3, 6, 8]);
});
