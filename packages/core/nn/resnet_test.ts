import assert from "node:assert/strict";
import { tf } from "../backend/tf.ts";
import { initBackend } from "../backend/backend.ts";
import { relErr, tensorFrom } from "../_testing/mod.ts";
import { Rng } from "../util/rng.ts";
import { ParamStore } from "./module.ts";
import { ResNet, type ResNetDepth } from "./resnet.ts";

// Removing a stride and dilating every later 3x3 convolution by it computes
// the same features on a finer grid: in eval mode (BatchNorm is then
// pointwise), with sizes that stay even, the output-stride-16 features at even
// positions (8: every fourth) ARE the stride-32 features. An exact property,
// independent of how the dilated network is built; float rounding only.

function build(depth: ResNetDepth, outputStride: number) {
  const store = new ParamStore();
  const net = new ResNet(
    store,
    { depth, deepStem: depth === 50, width: 0.0625, outputStride },
    new Rng(3),
  );
  return { store, net };
}

for (const depth of [18, 50] as ResNetDepth[]) {
  Deno.test(`ResNet-${depth} at output stride 16 and 8 keeps the weights and refines the stride-32 features`, async () => {
    await initBackend("wasm");
    const ref = build(depth, 32);
    const x = tensorFrom([2, 64, 96, 3], 1) as tf.Tensor4D;
    const f32 = ref.net.apply(x, { training: false });
    assert.deepEqual(f32.shape, [2, 2, 3, ref.net.outChannels]);
    const want = await f32.data();
    for (const [os, step] of [[16, 2], [8, 4]]) {
      const other = build(depth, os);
      assert.equal(other.net.outputStride, os);
      assert.deepEqual(other.store.names(), ref.store.names());
      for (const n of ref.store.names()) {
        assert.deepEqual(other.store.get(n).shape, ref.store.get(n).shape, n);
        assert.deepEqual(await other.store.get(n).data(), await ref.store.get(n).data(), n);
      }
      const f = other.net.apply(x, { training: false });
      assert.deepEqual(f.shape, [2, 64 / os, 96 / os, ref.net.outChannels]);
      const sub = tf.stridedSlice(f, [0, 0, 0, 0], f.shape, [1, step, step, 1]);
      const err = relErr(await sub.data(), want);
      assert.ok(err < 1e-5, `output stride ${os}: relative error ${err}`);
      tf.dispose([f, sub]);
      other.store.dispose();
    }
    tf.dispose([x, f32]);
    ref.store.dispose();
  });
}

Deno.test("ResNet refuses output strides other than 8, 16 and 32", () => {
  assert.throws(() => build(18, 4), /output stride must be 8, 16 or 32, got 4/);
});

Deno.test("ResNet inference with the fused conv and batch norm kernel gives the separate ops' bits", async () => {
  const { convBnFusion } = await import("./conv_bn.ts");
  await initBackend("wasm");
  for (const depth of [18, 50] as ResNetDepth[]) {
    const { store, net } = build(depth, 16);
    // Statistics and an affine of their own, so that no batch norm is the identity.
    for (const [i, name] of store.names().filter((n) => /bn\d|downsample\.1/.test(n)).entries()) {
      const v = store.get(name);
      const t = tf.tidy(() => tf.add(tf.abs(tensorFrom(v.shape, 20 + i, 0.5)), 0.5));
      v.assign(t);
      t.dispose();
    }
    const x = tensorFrom([1, 64, 96, 3], 9) as tf.Tensor4D;
    const run = async (fused: boolean) => {
      convBnFusion.enabled = fused;
      const y = tf.tidy(() => net.apply(x, { training: false }));
      const v = await y.data();
      y.dispose();
      return v;
    };
    try {
      assert.deepEqual(await run(true), await run(false), `ResNet-${depth}`);
    } finally {
      convBnFusion.enabled = true;
    }
    x.dispose();
    store.dispose();
  }
});
