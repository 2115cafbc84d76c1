// The direct convolution against the cpu backend's, on the shapes that reach
// it: ResNet's 7x7 stride-2 stem on RGB, a 5x5 stride-1 layer on one channel,
// stride-2 3x3 layers with many channels on maps of 400 output pixels or more,
// maps whose rows end inside a panel of 4 pixels, output channels not by 8,
// 'same' padding that is asymmetric, 'valid', and a batch of 2. Each output is
// a sum of kh * kw * c products (147 for the stem, 144 and 288 for the 3x3
// cases) taken in another order than the cpu backend's: float32 rounding of
// such sums is about sqrt(300) * 6e-8 relative, so 1e-5 relative L2 bounds it
// with a wide margin, while a wrong tap, channel or pixel is off by order 1.
import assert from "node:assert/strict";
import { tf } from "../tf.ts";
import { onBackend, relErr, tensorFrom } from "../../_testing/mod.ts";
import { directConvs } from "./direct_conv.ts";

const CASES: {
  x: number[];
  k: number;
  o: number;
  stride: number;
  pad: number | "same" | "valid";
}[] = [
  { x: [1, 23, 29, 3], k: 7, o: 16, stride: 2, pad: 3 },
  { x: [2, 16, 16, 3], k: 7, o: 8, stride: 2, pad: "same" },
  { x: [1, 13, 10, 1], k: 5, o: 12, stride: 1, pad: "same" },
  { x: [1, 11, 14, 4], k: 5, o: 24, stride: 2, pad: "valid" },
  { x: [1, 9, 9, 2], k: 7, o: 5, stride: 1, pad: 0 },
  { x: [1, 44, 41, 16], k: 3, o: 24, stride: 2, pad: "same" },
  { x: [2, 41, 40, 32], k: 3, o: 13, stride: 2, pad: 1 },
];

Deno.test("stride-2 3x3 layers on small maps stay with the backend's kernel", async () => {
  // 100 output pixels per image, alone and in a batch of 4 (400 in all): the
  // choice is per image, so a batch takes the kernel its images take alone.
  for (const batch of [1, 4]) {
    const run = () =>
      tf.conv2d(
        tensorFrom([batch, 20, 20, 16], 1) as tf.Tensor4D,
        tensorFrom([3, 3, 16, 8], 2, 0.2) as tf.Tensor4D,
        2,
        "same",
      );
    const calls = directConvs.calls;
    await onBackend("wasm", run);
    assert.equal(directConvs.calls, calls, `batch ${batch}: not the direct path`);
  }
});

Deno.test("direct convolution matches the cpu backend", async () => {
  for (const c of CASES) {
    const run = () =>
      tf.conv2d(
        tensorFrom(c.x, 1) as tf.Tensor4D,
        tensorFrom([c.k, c.k, c.x[3], c.o], 2, 0.2) as tf.Tensor4D,
        c.stride,
        c.pad,
      );
    const [ref] = await onBackend("cpu", run);
    const calls = directConvs.calls;
    const [got] = await onBackend("wasm", run);
    assert.equal(directConvs.calls, calls + 1, `${JSON.stringify(c)}: the direct path`);
    const err = relErr(got, ref);
    assert.ok(err < 1e-5, `${JSON.stringify(c)}: relative L2 ${err}`);
  }
});
