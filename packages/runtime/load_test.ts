import assert from "node:assert/strict";
import { ModelFormatError } from "@pointwise/core/lite";
import { tinyCheckpoint, tinyOnnx } from "@pointwise/core/testing";
import { load, UnsupportedOptionError } from "./load.ts";

const image = { width: 40, height: 30, data: new Uint8Array(40 * 30 * 3).fill(100) };

Deno.test("load() picks the runtime from the file's type, and both give the same interface", async () => {
  const onnx = await load(await tinyOnnx(["a", "b"]), { name: "m.onnx", backend: "wasm" });
  const tfjs = await load((await tinyCheckpoint(["a", "b"])).bytes, {
    name: "m.safetensors",
    backend: "wasm",
  });
  try {
    assert.equal(onnx.runtime.name, "onnxruntime-web");
    assert.equal(tfjs.runtime.name, "tfjs");
    for (const model of [onnx, tfjs]) {
      assert.deepEqual([...model.classes], ["a", "b"]);
      assert.equal(model.method, "minmax");
      assert.deepEqual(model.normalization, { mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5] });
      const p = await model.predict(image);
      assert.equal(p.mask.length, 40 * 30);
    }
    // The same weights: the two runtimes agree.
    const [a, b] = [await onnx.predict(image), await tfjs.predict(image)];
    assert.ok(Math.abs(a.probabilities[0] - b.probabilities[0]) < 1e-4);
  } finally {
    await onnx.dispose();
    await tfjs.dispose();
  }
});

Deno.test("load() names what a wrong file is, and refuses formats and options it may not take", async () => {
  const png = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13);
  await assert.rejects(
    load(png, { name: "slide.png" }),
    (e) =>
      e instanceof ModelFormatError && e.found === "png" &&
      /slide\.png: a PNG image, not a Pointwise checkpoint or an ONNX model/.test(e.message),
  );
  const checkpoint = (await tinyCheckpoint()).bytes;
  await assert.rejects(
    load(checkpoint, { name: "best.safetensors", formats: ["onnx"] }),
    /best\.safetensors: a checkpoint, which runs only in TensorFlow\.js, not an ONNX model/,
  );
  await assert.rejects(
    load(await tinyOnnx(), { name: "m.onnx", maskUpsample: "stride-grid" }),
    (e) => e instanceof UnsupportedOptionError && e.option === "maskUpsample",
  );
  await assert.rejects(
    load(checkpoint, { name: "best.safetensors", map: "gradcam", backend: "wasm" }),
    (e) =>
      e instanceof UnsupportedOptionError && e.option === "map" &&
      /this model's method is minmax/.test(e.message),
  );
});
