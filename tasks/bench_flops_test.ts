import assert from "node:assert/strict";
import { buildMinMaxNet } from "@pointwise/core/model";
import { initBackend, Rng } from "@pointwise/core";
import { PRESETS, withOverrides } from "@pointwise/core/lite";
import { tf } from "@pointwise/core/tf";
import { flopsOf, kernelFlops } from "./bench_flops.ts";

Deno.test("hand-computed convolution and matmul operations", () => {
  // 3x3, 4 -> 8 channels, 2 images of 5x6 outputs: 2 * (2*5*6*8) * 3*3*4.
  const conv = { inputShapes: [[2, 10, 12, 4], [3, 3, 4, 8]], outputShapes: [[2, 5, 6, 8]] };
  assert.equal(flopsOf({ name: "Conv2D", ...conv }), 2 * 480 * 36);
  assert.equal(
    flopsOf({
      name: "Conv2DBackpropInput",
      inputShapes: [[2, 5, 6, 8], [3, 3, 4, 8]],
      outputShapes: [[2, 10, 12, 4]],
    }),
    2 * 480 * 36,
  );
  assert.equal(
    flopsOf({
      name: "Conv2DBackpropFilter",
      inputShapes: [[2, 10, 12, 4], [2, 5, 6, 8]],
      outputShapes: [[3, 3, 4, 8]],
    }),
    2 * 480 * 36,
  );
  assert.equal(
    flopsOf({
      name: "BatchMatMul",
      inputShapes: [[1, 3, 5], [1, 5, 7]],
      outputShapes: [[1, 3, 7]],
    }),
    2 * 21 * 5,
  );
  assert.equal(flopsOf({ name: "Relu", inputShapes: [[4]], outputShapes: [[4]] }), 0);
});

Deno.test("a ResNet-18 backbone at 224x224 counts torchvision's published 1.81 GMACs", async () => {
  await initBackend("wasm");
  const net = buildMinMaxNet(
    withOverrides(PRESETS.cpu, { width: 1, outputStride: 32 }),
    ["a", "b"],
    new Rng(0),
  );
  const x = tf.zeros([1, 224, 224, 3]) as tf.Tensor4D;
  const info = await tf.profile(() => net.backbone.apply(x, { training: false }));
  tf.dispose(info.result as tf.Tensor);
  // torchvision's ResNet-18: 1.814 GMACs, of which 0.512 M in its fc layer (absent here).
  const expected = 2 * (1.8142e9 - 0.512e6);
  const got = kernelFlops(info.kernels as never);
  assert.ok(Math.abs(got / expected - 1) < 0.005, `${got} vs ${expected}`);
  x.dispose();
  net.dispose();
});
