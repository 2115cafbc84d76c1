// Images smaller than the padding to 32: onnxruntime's reflect Pad cannot pad
// a side by more than its length minus one, so the ONNX localizer pads them
// itself. Both runtimes must then give the same answer on the same weights,
// down to a 1x1 image.
import assert from "node:assert/strict";
import { decodeCheckpoint } from "@pointwise/core/lite";
import { initBackend, TfjsLocalizer } from "@pointwise/core";
import { tinyCheckpoint, tinyOnnx } from "@pointwise/core/testing";
import { Rng } from "@pointwise/core";
import { loadOnnx } from "./onnx_localizer.ts";

function image(w: number, h: number, seed: number) {
  const r = new Rng(seed);
  return { width: w, height: h, data: Uint8Array.from({ length: w * h * 3 }, () => r.int(256)) };
}

// Sides 1 (no reflection possible), 2-11 (pad longer than the side), 12-31
// (the graph could pad, the localizer pads), 32 (no padding) and mixtures.
const SIZES = [
  [1, 1],
  [1, 40],
  [40, 1],
  [2, 2],
  [5, 7],
  [8, 8],
  [11, 31],
  [31, 11],
  [3, 64],
  [
    17,
    17,
  ],
  [32, 5],
  [33, 33],
];

Deno.test("tiny images: the ONNX localizer answers as the TensorFlow.js one does, 1x1 up", async () => {
  await initBackend("wasm");
  const tfjs = TfjsLocalizer.fromCheckpoint(
    decodeCheckpoint((await tinyCheckpoint(["a", "b"], 3)).bytes, "tiny.safetensors"),
  );
  const ort = await loadOnnx(await tinyOnnx(["a", "b"], 3), "tiny.onnx", { backend: "wasm" });
  try {
    for (const [i, [w, h]] of SIZES.entries()) {
      const img = image(w, h, i);
      const a = await tfjs.predict(img);
      const b = await ort.predict(img);
      const at = `${w}x${h}`;
      assert.deepEqual([b.width, b.height, b.mask.length], [w, h, w * h], at);
      // The export check's tolerances (README: logits and R+ within 1e-3); the
      // parity test of full-size images holds 1e-4 and so does this.
      const logits = Math.max(...a.logits.map((v, k) => Math.abs(v - b.logits[k])));
      assert.ok(logits < 1e-4, `${at}: logits differ by ${logits}`);
      for (let k = 0; k < a.mask.length; k++) {
        const d = Math.abs(a.mask[k] - b.mask[k]);
        assert.ok(d < 1e-4, `${at}: mask pixel ${k} differs by ${d}`);
        // A pixel may flip only where R+ sits on the threshold.
        if (a.binary[k] !== b.binary[k]) assert.ok(Math.abs(a.mask[k] - a.threshold) < 1e-4, at);
      }
      assert.equal(b.classIndex, a.classIndex, at);
    }
  } finally {
    await tfjs.dispose();
    await ort.dispose();
  }
});
