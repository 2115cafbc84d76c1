// Inference must not hold every activation of the pass at once: a wasm
// backend's heap holds at most 4 GiB, and a 6000x4000 photograph, padded to
// 4000x6016, is 289 MB as float32 input. Holding every activation took about
// 20 times the input (5.9 GB at that size: "Invalid typed array length");
// freeing each stage's tensors as the next starts takes about 7 times.
import assert from "node:assert/strict";
import { PRESETS } from "../config/presets.ts";
import { initBackend } from "../backend/backend.ts";
import { tf } from "../backend/tf.ts";
import { Rng } from "../util/rng.ts";
import { buildModel } from "./build.ts";

Deno.test("inference peaks under 10x the input's bytes, so 6000x4000 fits a 4 GiB wasm heap", async () => {
  await initBackend("wasm");
  for (const method of ["minmax", "cam"] as const) {
    const config = { ...PRESETS.cpu, method };
    const net = buildModel(config, ["a", "b"], new Rng(0));
    const [h, w] = [480, 640];
    const x = tf.randomUniform([1, h, w, 3], -1, 1, "float32", 1) as tf.Tensor4D;
    const before = tf.memory().numTensors;
    const info = await tf.profile(() => {
      const o = net.inferMaps(x);
      return [o.logits, o.map, ...(o.localizerLogits ? [o.localizerLogits] : [])];
    });
    const ratio = info.peakBytes / (h * w * 3 * 4);
    // 4 GiB / 289 MB = 14.9: 10 leaves room for the backend's own buffers.
    assert.ok(ratio < 10, `${method}: inference peaked at ${ratio.toFixed(1)}x the input's bytes`);
    tf.dispose(info.result as tf.Tensor[]);
    x.dispose();
    assert.equal(tf.memory().numTensors, before - 1, "no tensor outlives the pass");
    net.dispose();
  }
});
