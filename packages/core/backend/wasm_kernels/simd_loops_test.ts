import assert from "node:assert/strict";
import { tf } from "../tf.ts";
import { initBackend } from "../backend.ts";
import { relErr, tensorFrom } from "../../_testing/mod.ts";
import { CONV_CASES, outSize } from "./_cases.ts";
import { BATCH_NORM_TRAIN, BATCH_NORM_TRAIN_GRAD } from "./fused_batch_norm.ts";
import { loadSimdLoops, simdLoopsFor, unloadSimdLoops } from "./simd_loops.ts";

// The kernels' parity tests against the cpu backend run with the WASM-SIMD
// loops loaded. These check the JavaScript twins against them, so that both
// are tied to the same independent reference.

/** Runs `f` with the SIMD loops, then with the JavaScript loops; returns both. */
async function bothWays(f: () => tf.Tensor[]): Promise<[Float32Array[], Float32Array[]]> {
  await initBackend("wasm");
  const read = async () => {
    const out = tf.tidy(f);
    const values = await Promise.all(out.map((t) => t.data() as Promise<Float32Array>));
    tf.dispose(out);
    return values.map((v) => Float32Array.from(v));
  };
  assert.ok(simdLoopsFor(tf.backend()) !== undefined, "SIMD loops loaded by initBackend");
  const simd = await read();
  unloadSimdLoops();
  try {
    assert.equal(simdLoopsFor(tf.backend()), undefined);
    return [simd, await read()];
  } finally {
    assert.equal(await loadSimdLoops(tf.backend()), undefined);
  }
}

Deno.test("convolution gradients: SIMD and JavaScript loops agree on every case", async () => {
  for (const c of CONV_CASES) {
    const [b, h, w, ch] = c.x;
    const dyShape = [b, outSize(h, c), outSize(w, c), c.o];
    const attrs = { strides: [c.s, c.s], pad: c.pad, dataFormat: "NHWC" };
    const [simd, js] = await bothWays(() => [
      tf.engine().runKernel(tf.Conv2DBackpropInput, {
        dy: tensorFrom(dyShape, 3),
        filter: tensorFrom([c.k, c.k, ch, c.o], 4),
      }, { ...attrs, inputShape: c.x } as unknown as tf.NamedAttrMap) as tf.Tensor,
      tf.engine().runKernel(tf.Conv2DBackpropFilter, {
        x: tensorFrom(c.x, 5),
        dy: tensorFrom(dyShape, 6),
      }, { ...attrs, filterShape: [c.k, c.k, ch, c.o] } as unknown as tf.NamedAttrMap) as tf.Tensor,
    ]);
    for (let i = 0; i < 2; i++) {
      const err = relErr(simd[i], js[i]);
      assert.ok(err < 1e-6, `${JSON.stringify(c)} output ${i}: relative error ${err}`);
    }
  }
});

Deno.test("fused batch norm: SIMD and JavaScript loops agree, channel tails included", async () => {
  for (const shape of [[2, 5, 3, 8], [3, 4, 2, 7], [1, 3, 3, 1], [2, 9, 1, 33]]) {
    const c = shape[3];
    const [simd, js] = await bothWays(() => {
      const x = tf.add(tf.mul(tensorFrom(shape, 1), 3), 40);
      const gamma = tensorFrom([c], 2);
      const beta = tensorFrom([c], 3);
      const fwd = tf.engine().runKernel(BATCH_NORM_TRAIN, { x, gamma, beta }, {
        eps: 1e-5,
      }) as tf.Tensor[];
      const [, mean, , invStd] = fwd;
      const grad = tf.engine().runKernel(BATCH_NORM_TRAIN_GRAD, {
        dy: tensorFrom(shape, 4),
        x,
        mean,
        invStd,
        gamma,
      }) as tf.Tensor[];
      return [...fwd, ...grad];
    });
    ["y", "mean", "variance", "invStd", "dx", "dgamma", "dbeta"].forEach((name, i) => {
      const err = relErr(simd[i], js[i]);
      assert.ok(err < 1e-5, `x ${shape} ${name}: relative error ${err}`);
    });
  }
});

Deno.test("MaxPoolGrad: SIMD and JavaScript loops agree, ties and channel tails included", async () => {
  for (
    const [shape, k, s, pad] of [[[2, 7, 6, 5], 3, 2, 1], [[1, 8, 9, 8], 2, 2, 0], [
      [2, 5, 5, 3],
      3,
      1,
      1,
    ]] as const
  ) {
    const [simd, js] = await bothWays(() => {
      // Rounded values: many windows hold several maxima.
      const x = tf.round(tf.mul(tensorFrom([...shape], 7), 2));
      const y = tf.maxPool(x as tf.Tensor4D, k, s, pad);
      return [
        tf.engine().runKernel(tf.MaxPoolGrad, { dy: tensorFrom(y.shape, 8), input: x, output: y }, {
          filterSize: k,
          strides: s,
          pad,
        } as unknown as tf.NamedAttrMap) as tf.Tensor,
      ];
    });
    assert.deepEqual(Array.from(simd[0]), Array.from(js[0]), `x ${shape} k${k} s${s}`);
  }
});
