// ONNX export against the TensorFlow.js model it came from, on tiny models of
// every backbone family (basic and bottleneck blocks, 7x7 and deep stems),
// with random BatchNorm statistics so that folding is exercised, on odd,
// non-square images, at output strides 32, 16 and 8 (dilated convolutions).
import assert from "node:assert/strict";
import { imageMap } from "@pointwise/core/lite";
import { exportOnnx } from "@pointwise/core/onnx";
import { initBackend, TfjsLocalizer } from "@pointwise/core";
import { cropBack } from "@pointwise/core/data";
import { loadOnnx } from "@pointwise/runtime";
import { assertSamePrediction, checkpoint, image } from "./_onnx_models.ts";

const CASES = [
  { arch: "resnet18", deep: false, mode: "align-corners", size: [97, 61], os: 32 },
  { arch: "resnet34", deep: true, mode: "stride-grid", size: [75, 129], os: 32 },
  { arch: "resnet50", deep: false, mode: "stride-grid", size: [131, 67], os: 32 },
  { arch: "resnet101", deep: true, mode: "align-corners", size: [65, 99], os: 32 },
  { arch: "resnet18", deep: false, mode: "stride-grid", size: [83, 70], os: 8 },
  { arch: "resnet50", deep: true, mode: "align-corners", size: [77, 101], os: 16 },
] as const;

for (const [i, c] of CASES.entries()) {
  Deno.test(`ONNX matches tfjs: ${c.arch}${c.deep ? " deep stem" : ""}, ${c.mode}, output stride ${c.os}, ${c.size[0]}x${c.size[1]} image`, async () => {
    await initBackend("wasm");
    const ckpt = await checkpoint(c.arch, c.deep, c.mode, 10 + i, c.os);
    const img = image(c.size[0], c.size[1], 20 + i);
    const tfjs = TfjsLocalizer.fromCheckpoint(ckpt);
    const ort = await loadOnnx(exportOnnx(ckpt), `${c.arch}.onnx`, { backend: "wasm" });
    const a = await tfjs.predict(img);
    const b = await ort.predict(img);
    const mapsA = await tfjs.classMaps!(img);
    const mapsB = await ort.classMaps!(img);
    tfjs.dispose();
    await ort.dispose();
    assert.equal(b.mask.length, c.size[0] * c.size[1]);
    assertSamePrediction(a, b);
    // The class maps output: same grid, same values (as the logits, 1e-4),
    // and the image-level steps on them give the graph's own mask.
    const { maps: _a, ...gridA } = mapsA;
    const { maps: _b, ...gridB } = mapsB;
    assert.deepEqual(gridB, gridA);
    const maps = Math.max(...mapsA.maps.map((v, k) => Math.abs(v - mapsB.maps[k])));
    assert.ok(maps < 1e-4, `class maps differ by ${maps}`);
    const fromMaps = cropBack(
      imageMap(mapsB).map,
      mapsB.inputHeight,
      mapsB.inputWidth,
      c.size[1],
      c.size[0],
    );
    const own = Math.max(...fromMaps.map((v, k) => Math.abs(v - b.mask[k])));
    assert.ok(own < 1e-4, `R+ from the class maps differs from the graph's by ${own}`);
  });
}

Deno.test("an ONNX model trained at resize 0.5 predicts as its TensorFlow.js model, mask full size", async () => {
  await initBackend("wasm");
  const ckpt = await checkpoint("resnet18", false, "align-corners", 30, 16);
  ckpt.config = { ...ckpt.config, resize: 0.5 };
  const tfjs = TfjsLocalizer.fromCheckpoint(ckpt);
  const ort = await loadOnnx(exportOnnx(ckpt), "half.onnx", { backend: "wasm" });
  const img = image(91, 66, 31);
  const a = await ort.predict(img);
  const b = await tfjs.predict(img);
  tfjs.dispose();
  await ort.dispose();
  assert.deepEqual([a.width, a.height, a.mask.length], [91, 66, 91 * 66]);
  let diff = 0;
  for (let i = 0; i < a.mask.length; i++) diff = Math.max(diff, Math.abs(a.mask[i] - b.mask[i]));
  assert.ok(diff < 1e-4, `masks differ by ${diff}`);
  a.probabilities.forEach((p, i) => assert.ok(Math.abs(p - b.probabilities[i]) < 1e-4));
});
