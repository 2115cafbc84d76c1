// The exported ONNX model on onnxruntime-web's webgpu provider against the
// TensorFlow.js model it came from: the parity tests of `onnx_parity_test.ts`
// (every backbone family, BatchNorm folding, odd non-square images) with the
// same tolerances, run on whatever WebGPU adapter is present (in CI the
// software one, lavapipe). The provider must really be webgpu.
import assert from "node:assert/strict";
import { exportOnnx } from "@pointwise/core/onnx";
import { initBackend, TfjsLocalizer } from "@pointwise/core";
import { loadOnnx } from "@pointwise/runtime";
import { requireWebGpu } from "@pointwise/core/testing";
import { assertSamePrediction, checkpoint, image } from "./_onnx_models.ts";

await requireWebGpu();

const CASES = [
  { arch: "resnet18", deep: false, mode: "align-corners", size: [97, 61] },
  { arch: "resnet34", deep: true, mode: "stride-grid", size: [75, 129] },
  { arch: "resnet50", deep: false, mode: "stride-grid", size: [131, 67] },
  { arch: "resnet101", deep: true, mode: "align-corners", size: [65, 99] },
] as const;

for (const [i, c] of CASES.entries()) {
  Deno.test(`ONNX on the webgpu provider matches tfjs: ${c.arch}${c.deep ? " deep stem" : ""}, ${c.mode}, ${c.size[0]}x${c.size[1]} image`, async () => {
    await initBackend("wasm");
    const ckpt = await checkpoint(c.arch, c.deep, c.mode, 10 + i);
    const img = image(c.size[0], c.size[1], 20 + i);
    const tfjs = TfjsLocalizer.fromCheckpoint(ckpt);
    const ort = await loadOnnx(exportOnnx(ckpt), `${c.arch}.onnx`, { backend: "webgpu" });
    assert.equal(ort.runtime.provider, "webgpu");
    const a = await tfjs.predict(img);
    const b = await ort.predict(img);
    tfjs.dispose();
    await ort.dispose();
    assert.equal(b.mask.length, c.size[0] * c.size[1]);
    const d = assertSamePrediction(a, b);
    console.log(
      `${c.arch}: logits within ${d.logits.toExponential(1)}, mask within ${
        d.mask.toExponential(1)
      }`,
    );
  });
}
