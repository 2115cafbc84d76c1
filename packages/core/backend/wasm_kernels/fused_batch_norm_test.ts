import assert from "node:assert/strict";
import { tf } from "../tf.ts";
import { onBackend, relErr, tensorFrom } from "../../_testing/mod.ts";
import { batchNormTrain } from "../../nn/batch_norm.ts";
import { BATCH_NORM_TRAIN } from "./fused_batch_norm.ts";

// The wasm backend runs the fused kernels; cpu builds the same function from ops.
for (
  const shape of [[3, 5, 4, 6], [2, 7, 3, 1], [1, 1, 1, 33]] as [number, number, number, number][]
) {
  Deno.test(`fused batch norm on wasm matches the op-built one on cpu: x ${shape}`, async () => {
    const c = shape[3];
    const run = () => {
      // An offset and scale far from 0 and 1 exercise the centring.
      const x = tf.add(tf.mul(tensorFrom(shape, 1), 3), 40) as tf.Tensor4D;
      const g = tensorFrom([c], 2) as tf.Tensor1D;
      const b = tensorFrom([c], 3) as tf.Tensor1D;
      const w = tensorFrom(shape, 4);
      const stats: tf.Tensor[] = [];
      const grads = tf.grads((xi: tf.Tensor, gi: tf.Tensor, bi: tf.Tensor) => {
        const out = batchNormTrain(xi as tf.Tensor4D, gi as tf.Tensor1D, bi as tf.Tensor1D, 1e-5);
        stats.push(out.stats.mean, out.stats.variance);
        return tf.sum(tf.mul(out.y, w));
      })([x, g, b]);
      const { y, stats: s } = batchNormTrain(x, g, b, 1e-5);
      return [y, s.mean, s.variance, ...grads, ...stats];
    };
    const onWasm = await onBackend("wasm", () => {
      assert.ok(tf.getKernel(BATCH_NORM_TRAIN, "wasm") !== undefined, "fused kernel registered");
      return run();
    });
    const onCpu = await onBackend("cpu", run);
    const names = ["y", "mean", "variance", "dx", "dgamma", "dbeta"];
    names.forEach((name, i) => {
      const err = relErr(onWasm[i], onCpu[i]);
      // With one value per channel, dx and dgamma are zero: compare those absolutely.
      assert.ok(err < 1e-4 || onCpu[i].every((v) => Math.abs(v) < 1e-4), `${name}: ${err}`);
    });
  });
}

Deno.test("fused batch norm leaves no tensor behind", async () => {
  await onBackend("wasm", () => {
    const x = tensorFrom([2, 3, 3, 4], 1) as tf.Tensor4D;
    const g = tensorFrom([4], 2) as tf.Tensor1D;
    const b = tensorFrom([4], 3) as tf.Tensor1D;
    const step = () => {
      const grads = tf.grads((xi: tf.Tensor) => {
        const out = batchNormTrain(xi as tf.Tensor4D, g, b, 1e-5);
        tf.dispose([out.stats.mean, out.stats.variance]);
        return tf.sum(out.y);
      })([x]);
      tf.dispose(grads);
    };
    step();
    const before = tf.memory().numTensors;
    step();
    assert.equal(tf.memory().numTensors, before);
    tf.dispose([x, g, b]);
    return [];
  });
});
