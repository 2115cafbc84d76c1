// The browser demo's Web Worker: runs the exported model with onnxruntime-web,
// decoding with the browser's own image decoder. Messages follow the
// service's protocol: { id, load: true } or { id, image } in, { id, result }
// or { id, error } out.
import * as ort from "./vendor/ort/ort.wasm.min.mjs";

ort.env.wasm.wasmPaths = new URL("./vendor/ort/", import.meta.url).href;
// Threads need SharedArrayBuffer, which only a cross-origin-isolated page has.
ort.env.wasm.numThreads = self.crossOriginIsolated
  ? Math.max(1, Math.min(4, navigator.hardwareConcurrency || 1))
  : 1;

let session;
let model;

async function load() {
  model = await (await fetch("v1/model")).json();
  const bytes = await (await fetch("model.onnx")).arrayBuffer();
  session = await ort.InferenceSession.create(bytes, { executionProviders: ["wasm"] });
  return { ...model, threads: ort.env.wasm.numThreads };
}

async function localize(bytes) {
  const bitmap = await createImageBitmap(new Blob([bytes]), {
    colorSpaceConversion: "none",
    premultiplyAlpha: "none",
  });
  const { width: w, height: h } = bitmap;
  const ctx = new OffscreenCanvas(w, h).getContext("2d");
  ctx.drawImage(bitmap, 0, 0);
  const rgba = ctx.getImageData(0, 0, w, h).data;
  const { mean, std } = model.normalization;
  const n = w * h;
  const x = new Float32Array(3 * n);
  for (let c = 0; c < 3; c++) {
    for (let i = 0; i < n; i++) x[c * n + i] = (rgba[4 * i + c] / 255 - mean[c]) / std[c];
  }
  const out = await session.run({ image: new ort.Tensor("float32", x, [1, 3, h, w]) });
  const logits = Array.from(out.logits.data);
  const top = Math.max(...logits);
  const e = logits.map((v) => Math.exp(v - top));
  const sum = e.reduce((a, b) => a + b, 0);
  const probabilities = e.map((v) => v / sum);
  const classIndex = probabilities.indexOf(Math.max(...probabilities));
  const mask = new Float32Array(out.mask.data);
  return {
    width: w,
    height: h,
    class: model.classes[classIndex],
    classIndex,
    probabilities: Object.fromEntries(model.classes.map((c, k) => [c, probabilities[k]])),
    mask,
    rgba: new Uint8ClampedArray(rgba),
  };
}

self.onmessage = async ({ data }) => {
  try {
    const result = data.load ? await load() : await localize(data.image);
    const transfer = data.load ? [] : [result.mask.buffer, result.rgba.buffer];
    self.postMessage({ id: data.id, result }, transfer);
  } catch (e) {
    self.postMessage({ id: data.id, error: { code: "failed", message: String(e?.message ?? e) } });
  }
};
