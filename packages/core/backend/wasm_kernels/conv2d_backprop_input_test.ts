import assert from "node:assert/strict";
import { tf } from "../tf.ts";
import { onBackend, relErr, tensorFrom } from "../../_testing/mod.ts";
import { CONV_CASES, convInfo, outSize } from "./_cases.ts";
import { inputGradByColumns } from "./conv2d_backprop_input.ts";
import { filterGradByColumns } from "./conv2d_backprop_filter.ts";

for (const c of CONV_CASES) {
  Deno.test(`wasm Conv2DBackpropInput matches cpu: x ${c.x} k${c.k} s${c.s} pad ${c.pad}`, async () => {
    const [b, h, w, ch] = c.x;
    const dyShape = [b, outSize(h, c), outSize(w, c), c.o];
    const run = () =>
      tf.engine().runKernel(tf.Conv2DBackpropInput, {
        dy: tensorFrom(dyShape, 3),
        filter: tensorFrom([c.k, c.k, ch, c.o], 4),
      }, {
        strides: [c.s, c.s],
        pad: c.pad,
        dataFormat: "NHWC",
        inputShape: c.x,
      } as unknown as tf.NamedAttrMap) as tf.Tensor;
    const [ref] = await onBackend("cpu", run);
    const [got] = await onBackend("wasm", run);
    assert.equal(got.length, b * h * w * ch);
    const err = relErr(got, ref);
    assert.ok(err < 1e-5, `relative L2 error ${err}`);
  });
}

Deno.test("wasm conv2d gradients match cpu through tf.grads", async () => {
  for (const c of CONV_CASES) {
    const f = () => {
      const x = tensorFrom(c.x, 5);
      const wgt = tensorFrom([c.k, c.k, c.x[3], c.o], 6);
      const g = tf.grads((a: tf.Tensor, k: tf.Tensor) =>
        tf.sum(tf.square(tf.conv2d(a as tf.Tensor4D, k as tf.Tensor4D, c.s, c.pad)))
      );
      return g([x, wgt]);
    };
    const ref = await onBackend("cpu", f);
    const got = await onBackend("wasm", f);
    for (let i = 0; i < 2; i++) {
      const err = relErr(got[i], ref[i]);
      assert.ok(err < 1e-5, `case ${JSON.stringify(c)} grad ${i}: relative L2 error ${err}`);
    }
  }
});

Deno.test("the parity cases take both ways of each convolution gradient", () => {
  const input = new Set(CONV_CASES.map((c) => inputGradByColumns(convInfo(c))));
  // Without the WASM-SIMD loops; with them every filter gradient goes by columns.
  const filter = new Set(CONV_CASES.map((c) => filterGradByColumns(convInfo(c), false)));
  assert.deepEqual([...input].sort(), [false, true]);
  assert.deepEqual([...filter].sort(), [false, true]);
});
