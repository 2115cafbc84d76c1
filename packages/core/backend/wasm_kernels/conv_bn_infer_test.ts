// The fused inference convolution and batch norm against the separate ops
// on the same backend (Conv2D, then PointwiseBatchNormInfer): the Winograd
// output transform computes the convolution's values with the same roundings
// and applies the batch norm with the same float32 operations in the same
// order, so the two are equal bit for bit; so is the direct kernel's
// epilogue (a first layer, a stride-2 3x3 layer on a large map, with a
// channel count that is no multiple of 4: its scalar steps), and the fallback
// (a stride-2 layer on a small map, a 1x1 one, which go by the backend's own
// kernel). Every tile size is forced in turn, on maps whose edges cut tiles,
// with and without a residual and the ReLU, on 1 and 2 threads (where the
// pool has 2; the test task keeps it at 1, and tests/kernel_threads_check.ts
// compares both); and once against the cpu backend, within the Winograd
// bounds of winograd_test.ts.
import assert from "node:assert/strict";
import { tf } from "../tf.ts";
import { onBackend, relErr, tensorFrom } from "../../_testing/mod.ts";
import { CONV_BN_INFER } from "./conv_bn_infer.ts";
import { setWinogradMode, winogradCalls, type WinogradMode } from "./winograd.ts";
import { setKernelThreads } from "./simd_loops.ts";
import { directConvs } from "./direct_conv.ts";

interface Case {
  x: number[];
  k: number;
  o: number;
  stride: number;
  pad: number;
}

const CASES: Case[] = [
  { x: [1, 13, 11, 8], k: 3, o: 12, stride: 1, pad: 1 },
  { x: [2, 9, 14, 16], k: 3, o: 8, stride: 1, pad: 1 },
  { x: [1, 12, 12, 4], k: 3, o: 4, stride: 1, pad: 0 },
  { x: [1, 10, 9, 8], k: 3, o: 16, stride: 2, pad: 1 },
  { x: [1, 7, 6, 8], k: 1, o: 12, stride: 1, pad: 0 },
  { x: [1, 37, 45, 3], k: 7, o: 10, stride: 2, pad: 3 },
  { x: [1, 42, 40, 8], k: 3, o: 12, stride: 2, pad: 1 },
];

/** Whether the direct kernel takes a case (direct_conv.ts: a first layer, or 400 pixels out). */
const direct = (c: Case) => c.k === 7 || (c.k === 3 && c.stride === 2 && c.x[1] * c.x[2] >= 1600);

function inputs(c: Case) {
  const info = tf.backend_util.computeConv2DInfo(
    c.x as [number, number, number, number],
    [c.k, c.k, c.x[3], c.o],
    c.stride,
    1,
    c.pad,
  );
  return {
    x: tensorFrom(c.x, 1),
    filter: tensorFrom([c.k, c.k, c.x[3], c.o], 2, 0.3),
    mean: tensorFrom([c.o], 3),
    variance: tf.add(tf.square(tensorFrom([c.o], 4)), 0.1),
    offset: tensorFrom([c.o], 5),
    scale: tensorFrom([c.o], 6),
    residual: tensorFrom([c.x[0], info.outHeight, info.outWidth, c.o], 7),
  };
}

function separate(c: Case, residual: boolean, relu: boolean): tf.Tensor {
  const t = inputs(c);
  const conv = tf.conv2d(t.x as tf.Tensor4D, t.filter as tf.Tensor4D, c.stride, c.pad);
  const y = tf.engine().runKernel(
    "PointwiseBatchNormInfer",
    {
      x: conv,
      mean: t.mean,
      variance: t.variance,
      offset: t.offset,
      scale: t.scale,
      ...(residual ? { residual: t.residual } : {}),
    },
    { varianceEpsilon: 1e-5, relu },
  ) as tf.Tensor;
  return y;
}

function fused(c: Case, residual: boolean, relu: boolean): tf.Tensor {
  const { residual: r, ...rest } = inputs(c);
  return tf.engine().runKernel(CONV_BN_INFER, residual ? { ...rest, residual: r } : rest, {
    strides: c.stride,
    pad: c.pad,
    dilations: 1,
    varianceEpsilon: 1e-5,
    relu,
  }) as tf.Tensor;
}

Deno.test("fused inference conv and batch norm equals the separate ops bit for bit", async () => {
  for (const mode of [2, 4, 6, "off"] as WinogradMode[]) {
    const previous = setWinogradMode(mode);
    try {
      for (const c of CASES) {
        for (const [residual, relu] of [[true, true], [false, true], [true, false]]) {
          for (const threads of [1, 2]) {
            setKernelThreads(threads);
            const calls = winogradCalls.forward, directCalls = directConvs.calls;
            const [ref] = await onBackend("wasm", () => separate(c, residual, relu));
            const [got] = await onBackend("wasm", () => fused(c, residual, relu));
            const what = `F${mode} ${JSON.stringify(c)} residual ${residual} relu ${relu}`;
            assert.deepEqual(got, ref, what);
            const winograd = mode !== "off" && c.k === 3 && c.stride === 1;
            assert.equal(winogradCalls.forward - calls, winograd ? 2 : 0, `${what}: path`);
            assert.equal(directConvs.calls - directCalls, direct(c) ? 2 : 0, `${what}: direct`);
            if (relu) assert.ok(got.some((v) => v === 0) && got.some((v) => v > 0), what);
          }
        }
      }
    } finally {
      setWinogradMode(previous);
      setKernelThreads(64);
    }
  }
});

// Against the cpu backend's convolution and batch norm: F(6x6)'s bound from
// winograd_test.ts (the largest of the three tiles), far below what a wrong
// channel, coefficient or residual would give (order 1).
Deno.test("fused inference conv and batch norm matches the cpu backend", async () => {
  for (const c of CASES) {
    const cpuRef = () => {
      const t = inputs(c);
      const conv = tf.conv2d(t.x as tf.Tensor4D, t.filter as tf.Tensor4D, c.stride, c.pad);
      const y = tf.batchNorm(conv, t.mean, t.variance, t.offset, t.scale, 1e-5);
      return tf.relu(tf.add(y, t.residual));
    };
    const [ref] = await onBackend("cpu", cpuRef);
    const [got] = await onBackend("wasm", () => fused(c, true, true));
    assert.ok(relErr(got, ref) < 4e-5, `${JSON.stringify(c)}: ${relErr(got, ref)}`);
  }
});
