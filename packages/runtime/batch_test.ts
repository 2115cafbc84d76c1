// Exported graphs take a batch: each image of it gives what it gives alone
// (class maps, and the whole graph's mask and logits, whose min-max
// normalisation is per image); files with a batch fixed at 1 run one at a time.
import assert from "node:assert/strict";
import onnxProto from "onnx-proto";
import { tinyOnnx } from "@pointwise/core/testing";
import { normalizeChw, type RgbImage } from "@pointwise/core/lite";
import { loadOnnx } from "./onnx_localizer.ts";
import { readModelInfo } from "./model_info.ts";

/** A seeded noisy image with a bright square whose place depends on `seed`. */
function image(width: number, height: number, seed: number): RgbImage {
  const data = new Uint8Array(width * height * 3);
  let s = seed * 2654435761 >>> 0;
  for (let i = 0; i < data.length; i++) {
    s = (s * 1664525 + 1013904223) >>> 0;
    const x = (i / 3 | 0) % width, y = (i / 3 / width) | 0;
    const square = Math.abs(x - 20 * seed) < 30 && Math.abs(y - 15 * seed) < 30;
    data[i] = (square ? 200 : 60) + (s >>> 26);
  }
  return { width, height, data };
}

/** Largest difference relative to the largest magnitude of `a`. */
function relativeGap(a: Float32Array, b: Float32Array): number {
  let gap = 0, scale = 0;
  for (let i = 0; i < a.length; i++) {
    gap = Math.max(gap, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(a[i]));
  }
  return gap / scale;
}

Deno.test("ONNX: class maps of a batch equal each image's alone", async () => {
  const bytes = await tinyOnnx(["x", "y"], 1);
  assert.equal(readModelInfo(bytes, "tiny.onnx").batch, null);
  const m = await loadOnnx(bytes, "tiny.onnx", { backend: "wasm", runtime: "web" });
  try {
    const images = [1, 2, 3].map((k) => image(160, 120, k));
    const batched = await m.classMapsBatch!(images);
    for (let i = 0; i < images.length; i++) {
      const alone = await m.classMaps!(images[i]);
      assert.deepEqual([batched[i].height, batched[i].width, batched[i].inputHeight], [
        alone.height,
        alone.width,
        alone.inputHeight,
      ]);
      // The same convolutions on the same inputs; only the blocking of the
      // matrix products may change with the batch (float32 sum order).
      const gap = relativeGap(alone.maps, batched[i].maps);
      assert.ok(gap <= 1e-6, `image ${i}: ${gap}`);
    }
    assert.ok(relativeGap(batched[0].maps, batched[2].maps) > 1e-4, "distinct images differ");
  } finally {
    await m.dispose();
  }
});

Deno.test("ONNX: the whole graph on a batch gives each image's mask and logits", async () => {
  const m = await loadOnnx(await tinyOnnx(["x", "y"], 2), "tiny.onnx", {
    backend: "wasm",
    runtime: "web",
  });
  try {
    const { ort, session } = m.session;
    const images = [image(100, 70, 1), image(100, 70, 3)];
    const plane = 3 * 100 * 70;
    const x = new Float32Array(2 * plane);
    images.forEach((im, i) => x.set(normalizeChw(im, m.normalization), i * plane));
    const out = await session.run({ image: new ort.Tensor("float32", x, [2, 3, 70, 100]) });
    assert.deepEqual(out.mask.dims, [2, 1, 70, 100]);
    for (let i = 0; i < 2; i++) {
      const p = await m.predict(images[i]);
      const mask = (out.mask.data as Float32Array).subarray(i * 7000, (i + 1) * 7000);
      // R+ is min-max normalised per image: normalising over the batch would move it far.
      let worst = 0;
      for (let j = 0; j < mask.length; j++) worst = Math.max(worst, Math.abs(mask[j] - p.mask[j]));
      assert.ok(worst < 1e-5, `image ${i}: mask differs by ${worst}`);
      const logits = Array.from((out.logits.data as Float32Array).subarray(2 * i, 2 * i + 2));
      const [a, b] = logits.map((v) => Math.exp(v));
      assert.ok(Math.abs(a / (a + b) - p.probabilities[0]) < 1e-5);
    }
    for (const t of Object.values(out)) t.dispose();
  } finally {
    await m.dispose();
  }
});

Deno.test("ONNX: a file with its batch fixed at 1 gives class maps one image at a time", async () => {
  const { onnx } = onnxProto;
  const model = onnx.ModelProto.decode(await tinyOnnx(["x", "y"], 1));
  model.graph!.input![0].type!.tensorType!.shape!.dim![0] = { dimValue: 1 };
  const bytes = onnx.ModelProto.encode(model).finish();
  assert.equal(readModelInfo(bytes, "old.onnx").batch, 1);
  const m = await loadOnnx(bytes, "old.onnx", { backend: "wasm", runtime: "web" });
  try {
    assert.equal(m.classMapsBatch, undefined);
    assert.ok((await m.classMaps!(image(64, 64, 1))).maps.length > 0);
  } finally {
    await m.dispose();
  }
});
