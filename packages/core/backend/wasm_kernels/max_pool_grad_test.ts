import assert from "node:assert/strict";
import { tf } from "../tf.ts";
import { onBackend, relErr, tensorFrom } from "../../_testing/mod.ts";
import { POOL_CASES } from "./_cases.ts";

for (const c of POOL_CASES) {
  Deno.test(`wasm MaxPoolGrad matches cpu: x ${c.x} k${c.k} s${c.s} pad ${c.pad} shift ${c.shift}`, async () => {
    const f = () => {
      const x = tf.add(tensorFrom(c.x, 11), c.shift);
      const g = tf.grad((a: tf.Tensor) =>
        tf.sum(tf.mul(tf.maxPool(a as tf.Tensor4D, c.k, c.s, c.pad), tensorFrom([1], 0)))
      );
      // A weighted sum so that every output routes a different gradient.
      const g2 = tf.grad((a: tf.Tensor) => {
        const y = tf.maxPool(a as tf.Tensor4D, c.k, c.s, c.pad);
        return tf.sum(tf.mul(y, tensorFrom(y.shape, 12)));
      });
      return [g(x), g2(x)];
    };
    const ref = await onBackend("cpu", f);
    const got = await onBackend("wasm", f);
    for (let i = 0; i < ref.length; i++) {
      assert.ok(ref[i].some((v) => v !== 0), "reference gradient is all zero");
      const err = relErr(got[i], ref[i]);
      assert.ok(err < 1e-6, `gradient ${i}: relative L2 error ${err}`);
    }
  });
}

Deno.test("stock-kernel bug check: negative windows get a gradient", async () => {
  const f = () => {
    const x = tf.tensor4d([-3, -1, -2, -4], [1, 2, 2, 1]);
    return tf.grad((a: tf.Tensor) => tf.sum(tf.maxPool(a as tf.Tensor4D, 2, 2, "valid")))(x);
  };
  const [got] = await onBackend("wasm", f);
  assert.deepEqual(Array.from(got), [0, 1, 0, 0]);
});

Deno.test("wasm MaxPoolGrad breaks ties as cpu does (first maximum), per channel", async () => {
  const f = () => {
    // Values in {-1, 0, 1}: most windows hold several maxima, differently per channel.
    const x = tf.round(tf.clipByValue(tensorFrom([2, 7, 6, 5], 13), -1, 1));
    const g = tf.grad((a: tf.Tensor) => {
      const y = tf.maxPool(a as tf.Tensor4D, 3, 2, 1);
      return tf.sum(tf.mul(y, tensorFrom(y.shape, 14)));
    });
    return [g(x)];
  };
  const [ref] = await onBackend("cpu", f);
  const [got] = await onBackend("wasm", f);
  // Same routing (which inputs get a gradient); sums may differ in order only.
  assert.deepEqual(Array.from(got, (v) => v !== 0), Array.from(ref, (v) => v !== 0));
  assert.ok(relErr(got, ref) < 1e-6, `relative L2 error ${relErr(got, ref)}`);
});
