// The fused exact-tap resize on wasm against the op form (gathers, products,
// sums) on the cpu backend, where the kernel is absent. Both round to
// float32 after every operation in the same order, so they must be equal bit
// for bit, with and without the mask factor, upsampling and downsampling, in
// both geometries; by the WASM-SIMD loop on 1 and 2 threads (as many as the
// pool has: the test task keeps it at 1, and tests/kernel_threads_check.ts
// compares 1 and 2) and by the JavaScript loop where that is not loaded.
import assert from "node:assert/strict";
import { tf } from "../tf.ts";
import { onBackend, tensorFrom } from "../../_testing/mod.ts";
import { hasKernel } from "../fused.ts";
import { resizeExact } from "../../model/upsample.ts";
import { RESIZE_EXACT, resizeExactCalls } from "./resize_exact.ts";
import { loadSimdLoops, setKernelThreads, unloadSimdLoops } from "./simd_loops.ts";
import type { UpsampleMode } from "../../config/options.ts";

const CASES: [number[], [number, number], UpsampleMode, number, boolean][] = [
  [[1, 32, 48, 3], [16, 24], "align-corners", 32, true], // the classifier's half-size X+
  [[2, 17, 11, 3], [8, 5], "align-corners", 32, false],
  [[1, 4, 6, 1], [128, 192], "align-corners", 32, false], // M+ to the image
  [[2, 4, 3, 1], [64, 48], "stride-grid", 16, true],
  [[1, 1, 5, 2], [3, 9], "align-corners", 32, true],
];

Deno.test("wasm resizeExact kernel equals the op form bit for bit", async () => {
  const { initBackend } = await import("../backend.ts");
  const run = (
    shape: number[],
    size: [number, number],
    mode: UpsampleMode,
    stride: number,
    masked: boolean,
  ) => {
    const [n, h, w] = shape;
    const mask = masked ? tf.abs(tensorFrom([n, h, w, 1], 9)) as tf.Tensor4D : undefined;
    return resizeExact(tensorFrom(shape, 3) as tf.Tensor4D, size, mode, stride, mask);
  };
  for (const [shape, size, mode, stride, masked] of CASES) {
    const what = `${shape} to ${size} ${mode} mask ${masked}`;
    const [ref] = await onBackend("cpu", () => {
      assert.equal(hasKernel(RESIZE_EXACT), false);
      return run(shape, size, mode, stride, masked);
    });
    assert.equal(ref.length, shape[0] * size[0] * size[1] * shape[3]);
    // The WASM-SIMD loop on 1 and 2 threads where the pool has 2 (an output row per item).
    for (const threads of [1, 2]) {
      setKernelThreads(threads);
      const calls = resizeExactCalls.heap;
      const [got] = await onBackend("wasm", () => {
        assert.equal(hasKernel(RESIZE_EXACT), true);
        return run(shape, size, mode, stride, masked);
      });
      assert.equal(resizeExactCalls.heap - calls, 1, `${what}: the loop on the heap`);
      assert.deepEqual(got, ref, `${what}, ${threads} threads`);
    }
    setKernelThreads(64);
    // The JavaScript loop, where the WASM-SIMD loops are not loaded.
    await initBackend("wasm");
    unloadSimdLoops();
    try {
      const calls = resizeExactCalls.heap;
      const t = run(shape, size, mode, stride, masked);
      const got = Float32Array.from(await t.data());
      t.dispose();
      assert.equal(resizeExactCalls.heap, calls, `${what}: the JavaScript loop`);
      assert.deepEqual(got, ref, `${what}, loops not loaded`);
    } finally {
      assert.equal(await loadSimdLoops(tf.backend()), undefined);
    }
  }
});

Deno.test("wasm resizeExact kernel leaves no tensor behind and checks its inputs", async () => {
  await onBackend("wasm", () => {
    const x = tensorFrom([1, 6, 6, 3], 1) as tf.Tensor4D;
    const before = tf.memory().numTensors;
    resizeExact(x, [3, 3], "align-corners", 32, tf.ones([1, 6, 6, 1])).dispose();
    assert.equal(tf.memory().numTensors, before + 1); // the ones, disposed below
    assert.throws(
      () => resizeExact(x, [3, 3], "align-corners", 32, tf.ones([1, 6, 5, 1])),
      /scale must be \[1,6,6,1\], got \[1,6,5,1\]/,
    );
    return tf.zeros([1]);
  });
});
