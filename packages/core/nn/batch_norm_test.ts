import assert from "node:assert/strict";
import { tf } from "../backend/tf.ts";
import { initBackend } from "../backend/backend.ts";
import { relErr, tensorFrom } from "../_testing/mod.ts";
import { BatchNorm2d, batchNormTrain } from "./batch_norm.ts";
import { ParamStore } from "./module.ts";

/** Train-mode batch norm written with plain ops, differentiated by autodiff. */
function reference(x: tf.Tensor4D, g: tf.Tensor1D, b: tf.Tensor1D, eps: number): tf.Tensor4D {
  const mean = tf.mean(x, [0, 1, 2]);
  const variance = tf.mean(tf.square(tf.sub(x, mean)), [0, 1, 2]);
  return tf.add(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, eps))), g), b);
}

for (const backend of ["cpu", "wasm"] as const) {
  Deno.test(`batchNormTrain: values and gradients match autodiff (${backend})`, async () => {
    await initBackend(backend);
    const x = tf.add(tensorFrom([3, 5, 4, 6], 1, 2), 0.7) as tf.Tensor4D;
    const g = tensorFrom([6], 2) as tf.Tensor1D;
    const b = tensorFrom([6], 3) as tf.Tensor1D;
    const w = tensorFrom([3, 5, 4, 6], 4);
    const ours = tf.grads((xi: tf.Tensor, gi: tf.Tensor, bi: tf.Tensor) => {
      const { y, stats } = batchNormTrain(
        xi as tf.Tensor4D,
        gi as tf.Tensor1D,
        bi as tf.Tensor1D,
        1e-5,
      );
      tf.dispose([stats.mean, stats.variance]);
      return tf.sum(tf.mul(y, w));
    })([x, g, b]);
    const ref = tf.grads((xi: tf.Tensor, gi: tf.Tensor, bi: tf.Tensor) =>
      tf.sum(tf.mul(reference(xi as tf.Tensor4D, gi as tf.Tensor1D, bi as tf.Tensor1D, 1e-5), w))
    )([x, g, b]);
    for (let i = 0; i < 3; i++) {
      const err = relErr(await ours[i].data(), await ref[i].data());
      assert.ok(err < 1e-4, `gradient ${i}: relative error ${err}`);
    }
    const { y, stats } = batchNormTrain(x, g, b, 1e-5);
    assert.ok(relErr(await y.data(), await reference(x, g, b, 1e-5).data()) < 1e-5);
    tf.dispose([x, g, b, w, y, stats.mean, stats.variance, ...ours, ...ref]);
  });
}

for (const backend of ["cpu", "wasm"] as const) {
  Deno.test(`BatchNorm2d updates running stats like PyTorch (momentum 0.1, unbiased variance) (${backend})`, async () => {
    await initBackend(backend);
    const store = new ParamStore();
    const bn = new BatchNorm2d(store, "bn", 1);
    // One channel, values 1..4: mean 2.5, biased var 1.25, unbiased 5/3.
    const x = tf.tensor4d([1, 2, 3, 4], [2, 1, 2, 1]);
    const y = bn.apply(x, { training: true });
    const rm = (await bn.runningMean.data())[0];
    const rv = (await bn.runningVar.data())[0];
    assert.ok(Math.abs(rm - 0.25) < 1e-6, `running mean ${rm}`);
    assert.ok(Math.abs(rv - (0.9 + 0.1 * 5 / 3)) < 1e-6, `running var ${rv}`);
    const yv = Array.from(await y.data());
    const s = Math.sqrt(1.25 + 1e-5);
    yv.forEach((v, i) => assert.ok(Math.abs(v - (i + 1 - 2.5) / s) < 1e-5));
    // Eval mode uses the running statistics.
    const e = bn.apply(tf.tensor4d([0.25], [1, 1, 1, 1]), { training: false });
    assert.ok(Math.abs((await e.data())[0]) < 1e-6);
    tf.dispose([x, y, e]);
    store.dispose();
  });
}
