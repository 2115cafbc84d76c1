// The kernels that replace tfjs's own on webgpu against the cpu backend:
// Conv2DBackpropFilter (implicit GEMM), MaxPoolGrad (first-maximum routing)
// and Cast (int32 converted, not relabelled).
import assert from "node:assert/strict";
import { tf } from "../tf.ts";
import { initBackend } from "../backend.ts";
import { onBackend, relErr, tensorFrom } from "../../_testing/mod.ts";
import { requireWebGpu } from "../../_testing/webgpu.ts";
import { CONV_CASES, type ConvCase, POOL_CASES } from "../wasm_kernels/_cases.ts";
import { splitsFor, tileColumns } from "./conv2d_backprop_filter.ts";
import { programErrors } from "./gpu_program.ts";

await requireWebGpu();

// Beyond the shared cases: M split over several workgroups (and summed),
// K and Co over several tiles, and each tile width (Co 16, 32, 64+).
const GEMM_CASES: ConvCase[] = [
  { x: [2, 32, 32, 4], k: 3, s: 1, pad: 1, o: 8 },
  { x: [2, 40, 36, 3], k: 7, s: 2, pad: 3, o: 16 },
  { x: [1, 10, 10, 20], k: 3, s: 1, pad: 1, o: 70 },
  { x: [2, 12, 12, 40], k: 3, s: 2, pad: 1, o: 24 },
  { x: [2, 20, 18, 8], k: 1, s: 2, pad: 0, o: 40 },
];

Deno.test("the filter-gradient cases reach every tile width and split M", () => {
  const all = [...CONV_CASES, ...GEMM_CASES];
  const shapes = all.map((c) => {
    const info = tf.backend_util.computeConv2DInfo(c.x, [c.k, c.k, c.x[3], c.o], c.s, 1, c.pad);
    const m = info.batchSize * info.outHeight * info.outWidth;
    return { tc: tileColumns(c.o), splits: splitsFor(c.k * c.k * c.x[3], c.o, m) };
  });
  assert.deepEqual([...new Set(shapes.map((s) => s.tc))].sort((a, b) => a - b), [16, 32, 64]);
  assert.ok(shapes.some((s) => s.splits > 1) && shapes.some((s) => s.splits === 1));
});

for (const c of [...CONV_CASES, ...GEMM_CASES]) {
  Deno.test(`webgpu Conv2DBackpropFilter matches cpu: x ${c.x} k${c.k} s${c.s} pad ${c.pad} o${c.o}`, async () => {
    const f = () => {
      const x = tensorFrom(c.x, 1) as tf.Tensor4D;
      const filterShape = [c.k, c.k, c.x[3], c.o] as [number, number, number, number];
      const y = tf.conv2d(x, tensorFrom(filterShape, 2) as tf.Tensor4D, c.s, c.pad);
      const dy = tensorFrom(y.shape, 3);
      return [
        tf.engine().runKernel("Conv2DBackpropFilter", { x, dy }, {
          strides: c.s,
          pad: c.pad,
          dataFormat: "NHWC",
          filterShape,
        }) as tf.Tensor,
      ];
    };
    const [got] = await onBackend("webgpu", f);
    const [ref] = await onBackend("cpu", f);
    // Sums of up to N*OH*OW products in another order: float32 rounding only
    // (measured <= 4e-7); 1e-5 leaves a margin of 25.
    const e = relErr(got, ref);
    console.log(`  relative error ${e.toExponential(1)} (tolerance 1e-5)`);
    assert.ok(e < 1e-5, `relative L2 error ${e}`);
  });
}

for (const c of POOL_CASES) {
  Deno.test(`webgpu MaxPoolGrad matches cpu: x ${c.x} k${c.k} s${c.s} pad ${c.pad} shift ${c.shift}`, async () => {
    const f = () => {
      const x = tf.add(tensorFrom(c.x, 11), c.shift);
      return [
        tf.grad((a: tf.Tensor) => {
          const y = tf.maxPool(a as tf.Tensor4D, c.k, c.s, c.pad);
          return tf.sum(tf.mul(y, tensorFrom(y.shape, 12)));
        })(x),
      ];
    };
    const [got] = await onBackend("webgpu", f);
    const [ref] = await onBackend("cpu", f);
    // Each input sums the few gradients routed to it: rounding only.
    console.log(`  relative error ${relErr(got, ref).toExponential(1)} (tolerance 1e-6)`);
    assert.ok(relErr(got, ref) < 1e-6, `relative L2 error ${relErr(got, ref)}`);
  });
}

Deno.test("webgpu MaxPoolGrad breaks ties as cpu does (first maximum), per channel", async () => {
  const f = () => {
    const x = tf.round(tf.clipByValue(tensorFrom([2, 7, 6, 5], 13), -1, 1));
    return [
      tf.grad((a: tf.Tensor) => {
        const y = tf.maxPool(a as tf.Tensor4D, 3, 2, 1);
        return tf.sum(tf.mul(y, tensorFrom(y.shape, 14)));
      })(x),
    ];
  };
  const [got] = await onBackend("webgpu", f);
  const [ref] = await onBackend("cpu", f);
  assert.deepEqual(Array.from(got, (v) => v !== 0), Array.from(ref, (v) => v !== 0));
  assert.ok(relErr(got, ref) < 1e-6);
});

Deno.test("webgpu Cast: a one-hot of TopK indices sums to counts (stock gave zeros)", async () => {
  await initBackend("webgpu");
  const x = tensorFrom([4, 4, 3, 3], 1) as tf.Tensor4D;
  // WILDCAT's composed selection: top-1 cell per image and class, one-hot, summed over k.
  const flat = tf.transpose(tf.reshape(x, [4, 12, 3]), [0, 2, 1]);
  const { indices } = tf.topk(flat, 1);
  const select = tf.sum(tf.cast(tf.oneHot(indices, 12), "float32"), 2);
  const got = await select.data();
  const idx = await indices.data();
  const want = new Float32Array(4 * 3 * 12);
  idx.forEach((cell, row) => want[row * 12 + cell] = 1);
  assert.deepEqual(Array.from(got), Array.from(want));
  const bools = tf.cast(tf.greater(x, 0), "float32");
  assert.deepEqual(Array.from(await bools.data()), Array.from(await x.data(), (v) => +(v > 0)));
  tf.dispose([x, flat, indices, select, bools]);
});

Deno.test("every WGSL program built in this file compiled and validated", async () => {
  assert.deepEqual(await programErrors(), []);
});
