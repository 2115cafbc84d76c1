import assert from "node:assert/strict";
import { tf } from "../backend/tf.ts";
import { onBackend, relErr, tensorFrom } from "../_testing/mod.ts";
import { dilatedConv2d, kernelsTakeDilations, spreadFilter } from "./dilated_conv2d.ts";

// Float32 sums in another order: about 1e-7 relative; 1e-5 still fails on any wrong tap.
const TOL = 1e-5;
const CASES = [
  { x: [2, 9, 7, 3], k: 3, d: 2, pad: 2, o: 4 },
  { x: [1, 8, 10, 2], k: 3, d: 4, pad: 4, o: 3 },
  { x: [2, 7, 9, 3], k: 3, d: 3, pad: 1, o: 32 },
];

Deno.test("a convolution with the spread filter equals tfjs's dilated Conv2D (cpu)", async () => {
  for (const c of CASES) {
    const [got, ref] = await onBackend("cpu", () => {
      const x = tensorFrom(c.x, 1) as tf.Tensor4D;
      const w = tensorFrom([c.k, c.k, c.x[3], c.o], 2) as tf.Tensor4D;
      return [tf.conv2d(x, spreadFilter(w, c.d), 1, c.pad), tf.conv2d(x, w, 1, c.pad, "NHWC", c.d)];
    });
    assert.ok(relErr(got, ref) < TOL, `case ${JSON.stringify(c)}`);
  }
});

/** Gradients of sum((y * r)) for a fixed random r, so every output pixel weighs differently. */
function grads(c: (typeof CASES)[number], conv: (x: tf.Tensor4D, w: tf.Tensor4D) => tf.Tensor4D) {
  const x = tensorFrom(c.x, 3) as tf.Tensor4D;
  const w = tensorFrom([c.k, c.k, c.x[3], c.o], 4) as tf.Tensor4D;
  const y = conv(x, w);
  const r = tensorFrom(y.shape, 5);
  return tf.grads((a: tf.Tensor, k: tf.Tensor) =>
    tf.sum(tf.mul(conv(a as tf.Tensor4D, k as tf.Tensor4D), r))
  )([x, w]);
}

Deno.test("dilatedConv2d's gradients equal tfjs's through the spread filter (cpu)", async () => {
  for (const c of CASES) {
    const got = await onBackend("cpu", () => grads(c, (x, w) => dilatedConv2d(x, w, c.d, c.pad)));
    const ref = await onBackend(
      "cpu",
      () => grads(c, (x, w) => tf.conv2d(x, spreadFilter(w, c.d), 1, c.pad)),
    );
    for (let i = 0; i < 2; i++) {
      assert.ok(relErr(got[i], ref[i]) < TOL, `case ${JSON.stringify(c)} grad ${i}`);
    }
  }
});

Deno.test("dilatedConv2d's gradients on wasm (its own kernels) equal cpu's", async () => {
  for (const c of CASES) {
    const f = () => grads(c, (x, w) => dilatedConv2d(x, w, c.d, c.pad));
    const ref = await onBackend("cpu", f);
    assert.equal(kernelsTakeDilations(), false);
    const got = await onBackend("wasm", f);
    assert.equal(kernelsTakeDilations(), true);
    for (let i = 0; i < 2; i++) {
      const err = relErr(got[i], ref[i]);
      assert.ok(err < TOL, `case ${JSON.stringify(c)} grad ${i}: relative L2 error ${err}`);
    }
  }
});

Deno.test("dilatedConv2d with dilation 1 is tfjs's conv2d, and bad dilations are refused", async () => {
  const [a, b] = await onBackend("cpu", () => {
    const x = tensorFrom([1, 5, 5, 2], 1) as tf.Tensor4D;
    const w = tensorFrom([3, 3, 2, 2], 2) as tf.Tensor4D;
    return [dilatedConv2d(x, w, 1, 1), tf.conv2d(x, w, 1, 1)];
  });
  assert.deepEqual(a, b);
  assert.throws(
    () => dilatedConv2d(tf.zeros([1, 4, 4, 1]), tf.zeros([3, 3, 1, 1]), 1.5, 1),
    /dilation must be an integer/,
  );
});
