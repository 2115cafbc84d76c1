// ONNX export against the TensorFlow.js model it came from, on tiny models of
// every backbone family (basic and bottleneck blocks, 7x7 and deep stems),
// with random BatchNorm statistics so that folding is exercised, on odd,
// non-square images, at output strides 32, 16 and 8 (dilated convolutions).
import assert from "node:assert/strict";
import { buildMinMaxNet } from "@pointwise/core/model";
import { type Checkpoint, imageMap, PRESETS, withOverrides } from "@pointwise/core/lite";
import { exportOnnx } from "@pointwise/core/onnx";
import { initBackend, Rng, TfjsLocalizer } from "@pointwise/core";
import { cropBack, syntheticDataset } from "@pointwise/core/data";
import { tf } from "@pointwise/core/tf";
import { loadOnnx } from "@pointwise/runtime";

/**
 * A tiny model shaped like a trained one: BatchNorm statistics calibrated on
 * real images (so activations and logits stay at a realistic scale), random
 * BatchNorm scales and shifts (so folding is exercised).
 */
async function checkpoint(
  arch: Checkpoint["config"]["arch"],
  deepStem: boolean,
  maskUpsample: Checkpoint["config"]["maskUpsample"],
  seed: number,
  outputStride: number,
): Promise<Checkpoint> {
  const config = withOverrides(PRESETS.cpu, {
    arch,
    deepStem,
    width: 0.0625,
    modalities: 3,
    maskUpsample,
    kmax: 0.2,
    outputStride,
  });
  const classes = ["a", "b", "c"];
  const net = buildMinMaxNet(config, classes, new Rng(seed));
  const r = new Rng(seed + 1);
  const names = net.store.names();
  // Each residual branch's last BatchNorm starts near zero (as in zero-init
  // residual training), the others near one. Random deep ResNets are
  // otherwise chaotic: tfjs's own cpu and wasm backends then disagree by up
  // to 8e-3 on ResNet-101 logits, so no comparison could hold 1e-4.
  const lastBn = (n: string) => {
    const m = /^(layer\d\.\d+)\.bn(\d)\.weight$/.exec(n);
    return m !== null && (m[2] === "3" || !names.includes(`${m[1]}.bn3.weight`));
  };
  for (const name of names) {
    if (/(bn\d|downsample\.1)\.(weight|bias)$/.test(name)) {
      const v = net.store.get(name);
      const values = Float32Array.from(
        { length: v.size },
        () =>
          !name.endsWith("weight")
            ? 0.05 * r.normal()
            : lastBn(name)
            ? r.uniform(0.05, 0.2)
            : r.uniform(0.8, 1.2),
      );
      tf.tidy(() => v.assign(tf.tensor(values, v.shape)));
    }
  }
  const batch = syntheticDataset({ count: 4, size: 96, classes: 2, seed }).samples;
  const x = tf.tensor4d(
    Float32Array.from(batch.flatMap((s) => Array.from(s.image.data, (v) => v / 127.5 - 1))),
    [4, 96, 96, 3],
  );
  for (let i = 0; i < 40; i++) {
    tf.dispose(Object.values(net.forward(x, { training: true, rng: r })));
  }
  x.dispose();
  const weights = await net.store.read();
  net.dispose();
  return { config, classes, weights };
}

function image(w: number, h: number, seed: number) {
  const src =
    syntheticDataset({ count: 1, size: Math.max(w, h), classes: 2, seed }).samples[0].image;
  const data = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++) {
    data.set(src.data.subarray(y * src.width * 3, (y * src.width + w) * 3), y * w * 3);
  }
  return { width: w, height: h, data };
}

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
    const logits = Math.max(...a.logits.map((v, k) => Math.abs(v - b.logits[k])));
    let mask = 0;
    let agree = 0;
    for (let k = 0; k < a.mask.length; k++) {
      mask = Math.max(mask, Math.abs(a.mask[k] - b.mask[k]));
      if (a.binary[k] === b.binary[k]) agree++;
    }
    assert.ok(logits < 1e-4, `logits differ by ${logits}`);
    assert.ok(mask < 1e-4, `mask differs by ${mask}`);
    assert.ok(
      agree / a.mask.length >= 0.999,
      `thresholded masks agree on ${agree / a.mask.length}`,
    );
    // A softmax output moves by at most the largest logit change
    // (|p_i (dz_i - sum_j p_j dz_j)| <= max |dz|), and the logits are held within
    // 1e-4 above; rounded values could straddle a rounding edge.
    const probs = Math.max(
      ...a.localizerProbabilities.map((v, k) => Math.abs(v - b.localizerProbabilities[k])),
    );
    assert.ok(probs < 1e-4, `localizer probabilities differ by ${probs}`);
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
