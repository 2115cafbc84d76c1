import assert from "node:assert/strict";
import { tf } from "../backend/tf.ts";
import { initBackend } from "../backend/backend.ts";
import { pseudoBinaryMask } from "./pseudo_binary_mask.ts";

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

Deno.test("pseudo-binary mask: sigmoid(w (M~ - sigma)) with min/max over the whole batch", async () => {
  await initBackend("cpu");
  // Two images; batch min 0, max 4. Image 1: 0, 1, 2; image 2: 4, 3, 2.
  const m = tf.tensor4d([0, 1, 2, 4, 3, 2], [2, 1, 3, 1]);
  const r = Array.from(await pseudoBinaryMask(m, 8, 0.5).data());
  const want = [0, 0.25, 0.5, 1, 0.75, 0.5].map((t) => sigmoid(8 * (t - 0.5)));
  r.forEach((v, i) => assert.ok(Math.abs(v - want[i]) < 1e-6, `${i}: ${v} vs ${want[i]}`));
  // Per image (batch of one), image 2 would be normalised on its own range 2..4.
  const single = Array.from(
    await pseudoBinaryMask(tf.tensor4d([4, 3, 2], [1, 1, 3, 1]), 8, 0.5).data(),
  );
  [1, 0.5, 0].map((t) => sigmoid(8 * (t - 0.5))).forEach((w, i) =>
    assert.ok(Math.abs(single[i] - w) < 1e-6)
  );
  // Bounds of the reference: [0.018, 0.982] for w = 8, sigma = 0.5.
  assert.ok(Math.abs(r[0] - 0.01799) < 1e-4 && Math.abs(r[3] - 0.98201) < 1e-4);
});

Deno.test("pseudo-binary mask of a constant map is finite", async () => {
  await initBackend("cpu");
  const r = await pseudoBinaryMask(tf.fill([1, 2, 2, 1], 3), 8, 0.5).data();
  assert.ok(r.every((v) => Math.abs(v - sigmoid(-4)) < 1e-6));
});
