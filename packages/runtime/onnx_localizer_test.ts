import assert from "node:assert/strict";
import onnxProto from "onnx-proto";
import { tinyOnnx as tinyOnnxModel } from "@pointwise/core/testing";
import { loadOnnx } from "./onnx_localizer.ts";
import { readModelInfo } from "./model_info.ts";

const tinyOnnx = (resize = 1) => tinyOnnxModel(["x", "y"], 0, { resize });

/** A valid ONNX model that is not a Pointwise model (one Relu). */
function plainRelu(input = "x"): Uint8Array {
  const { onnx } = onnxProto;
  const v = (name: string) => ({
    name,
    type: { tensorType: { elemType: 1, shape: { dim: [{ dimValue: 1 }] } } },
  });
  return onnx.ModelProto.encode({
    irVersion: 8,
    opsetImport: [{ version: 17 }],
    graph: {
      name: "g",
      node: [{ opType: "Relu", input: [input], output: ["logits"] }],
      input: [v(input)],
      output: [v("logits")],
    },
    metadataProps: [{ key: "classes", value: '["a","b"]' }],
  }).finish();
}

Deno.test("the model's metadata gives classes, normalisation and threshold", async () => {
  const info = readModelInfo(await tinyOnnx(), "tiny.onnx");
  assert.deepEqual(info.classes, ["x", "y"]);
  assert.deepEqual(info.normalization, { mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5] });
  assert.equal(info.threshold, 0.5);
  assert.equal(info.resize, 1);
  assert.equal(readModelInfo(await tinyOnnx(0.5), "half.onnx").resize, 0.5);
  assert.deepEqual(info.inputs, ["image"]);
  assert.deepEqual(info.outputs, ["logits", "mask", "localizer_logits"]);
});

Deno.test("corrupt, truncated and foreign ONNX files get clear errors", async () => {
  const good = await tinyOnnx();
  await assert.rejects(
    loadOnnx(good.slice(0, good.length / 2), "half.onnx"),
    /half\.onnx: not a valid ONNX model .*truncated or corrupt/,
  );
  await assert.rejects(loadOnnx(new Uint8Array(0), "empty.onnx"), /empty\.onnx: the file is empty/);
  await assert.rejects(
    loadOnnx(new TextEncoder().encode("<html>not found</html>"), "page.onnx"),
    /page\.onnx: not a valid ONNX model/,
  );
  await assert.rejects(
    loadOnnx(plainRelu(), "relu.onnx"),
    /relu\.onnx: expects one input named 'image'/,
  );
  const noMeta = onnxProto.onnx.ModelProto.decode(good);
  noMeta.metadataProps = [];
  await assert.rejects(
    loadOnnx(onnxProto.onnx.ModelProto.encode(noMeta).finish(), "other.onnx"),
    /other\.onnx: not a Pointwise model/,
  );
});

Deno.test("ONNX predict gives a full-size mask and probabilities", async () => {
  const localizer = await loadOnnx(await tinyOnnx(), "tiny.onnx", { backend: "wasm" });
  const w = 45, h = 33;
  const p = await localizer.predict({
    width: w,
    height: h,
    data: new Uint8Array(w * h * 3).fill(120),
  });
  assert.equal(p.mask.length, w * h);
  assert.ok(Math.abs(p.probabilities[0] + p.probabilities[1] - 1) < 1e-6);
  assert.ok(["x", "y"].includes(p.className));
  await localizer.dispose();
});

Deno.test("loading a model with threads leaves the host's Worker constructor alone", async () => {
  const hostWorker = globalThis.Worker;
  const localizer = await loadOnnx(await tinyOnnx(), "tiny.onnx", { backend: "wasm" });
  assert.equal(globalThis.Worker, hostWorker);
  const worker = new Worker(new URL("data:text/javascript,postMessage(42)"), { type: "module" });
  const got = await new Promise((resolve) => worker.onmessage = (e) => resolve(e.data));
  worker.terminate();
  assert.equal(got, 42);
  const image = { width: 70, height: 50, data: new Uint8Array(70 * 50 * 3).fill(90) };
  const p = await localizer.predict(image);
  assert.equal(p.mask.length, 70 * 50, "the session still runs after the restore");
  await localizer.dispose();
});
