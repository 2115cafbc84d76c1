import assert from "node:assert/strict";
import onnxProto from "onnx-proto";
import { TINY_CONFIG, tinyOnnx as tinyOnnxModel } from "@pointwise/core/testing";
import { cropBack } from "@pointwise/core/data";
import { imageMap } from "@pointwise/core/lite";
import { loadOnnx, OnnxLocalizer } from "./onnx_localizer.ts";
import { pruneToOutputs } from "./subgraph.ts";
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
  assert.deepEqual(info.outputs, ["logits", "mask", "localizer_logits", "class_maps"]);
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

Deno.test("class maps: from the localizer's subgraph, as the whole graph gives them, and R+ from them", async () => {
  const bytes = await tinyOnnx();
  const localizer = await loadOnnx(bytes, "tiny.onnx", { backend: "wasm" });
  const image = { width: 45, height: 70, data: new Uint8Array(45 * 70 * 3) };
  for (let i = 0; i < image.data.length; i++) image.data[i] = (i * 37) % 251;
  const s = TINY_CONFIG.outputStride;
  const cm = await localizer.classMaps!(image);
  assert.deepEqual(
    [cm.classes, cm.height, cm.width, cm.stride, cm.inputHeight, cm.inputWidth],
    [2, 96 / s, 64 / s, s, 96, 64],
  );
  assert.equal(cm.head.output.kind, "pseudo-binary");
  // The same session's whole graph (no model bytes given: no subgraph).
  const whole = new OnnxLocalizer(localizer.info, localizer.choice, localizer.session);
  assert.deepEqual((await whole.classMaps!(image)).maps, cm.maps);
  const p = await localizer.predict(image);
  const fromMaps = cropBack(imageMap(cm).map, 96, 64, 70, 45);
  const d = Math.max(...fromMaps.map((v, i) => Math.abs(v - p.mask[i])));
  assert.ok(d < 1e-5, `R+ from the class maps differs from the graph's by ${d}`);
  await localizer.dispose();
});

Deno.test("an ONNX file exported without class maps still loads and predicts, without classMaps", async () => {
  const old = onnxProto.onnx.ModelProto.decode(await tinyOnnx());
  old.graph!.output = old.graph!.output!.filter((o) => o.name !== "class_maps");
  const localizer = await loadOnnx(onnxProto.onnx.ModelProto.encode(old).finish(), "old.onnx", {
    backend: "wasm",
  });
  assert.equal(localizer.classMaps, undefined);
  const p = await localizer.predict({ width: 40, height: 40, data: new Uint8Array(4800).fill(9) });
  assert.equal(p.mask.length, 1600);
  await localizer.dispose();
});

Deno.test("the class maps' subgraph keeps the localizer and drops the classifier", async () => {
  const bytes = await tinyOnnx();
  const full = onnxProto.onnx.ModelProto.decode(bytes).graph!;
  const part = onnxProto.onnx.ModelProto.decode(pruneToOutputs(bytes, ["class_maps"])).graph!;
  assert.deepEqual(part.output!.map((o) => o.name), ["class_maps"]);
  assert.ok(part.node!.length < full.node!.length);
  const names = (g: typeof full) => g.initializer!.map((t) => t.name!);
  assert.ok(names(full).some((n) => n.startsWith("cl32.")));
  assert.ok(!names(part).some((n) => n.startsWith("cl32.")), "the classifier head is left out");
  assert.ok(names(part).includes("headseg.to_modalities.weight"));
  assert.throws(() => pruneToOutputs(bytes, ["nothing"]), /no 'nothing' output/);
});
