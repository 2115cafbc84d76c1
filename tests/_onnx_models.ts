/**
 * Tiny models and odd-sized images for the ONNX parity tests, on the wasm
 * provider (`onnx_parity_test.ts`) and the webgpu one (`onnx_webgpu_parity_test.ts`).
 *
 * @example
 * ```ts ignore
 * const ckpt = await checkpoint("resnet18", false, "align-corners", 10);
 * ```
 * @module
 */
import assert from "node:assert/strict";
import { buildMinMaxNet } from "@pointwise/core/model";
import { type Checkpoint, type Prediction, PRESETS, withOverrides } from "@pointwise/core/lite";
import { Rng } from "@pointwise/core";
import { syntheticDataset } from "@pointwise/core/data";
import { tf } from "@pointwise/core/tf";

/**
 * A tiny model shaped like a trained one: BatchNorm statistics calibrated on
 * real images (so activations and logits stay at a realistic scale), random
 * BatchNorm scales and shifts (so folding is exercised). The `cpu` preset's
 * output stride unless `outputStride` is given.
 */
export async function checkpoint(
  arch: Checkpoint["config"]["arch"],
  deepStem: boolean,
  maskUpsample: Checkpoint["config"]["maskUpsample"],
  seed: number,
  outputStride?: Checkpoint["config"]["outputStride"],
): Promise<Checkpoint> {
  const config = withOverrides(PRESETS.cpu, {
    arch,
    deepStem,
    width: 0.0625,
    modalities: 3,
    maskUpsample,
    kmax: 0.2,
    ...(outputStride === undefined ? {} : { outputStride }),
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

export function image(
  w: number,
  h: number,
  seed: number,
): { width: number; height: number; data: Uint8Array } {
  const src =
    syntheticDataset({ count: 1, size: Math.max(w, h), classes: 2, seed }).samples[0].image;
  const data = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++) {
    data.set(src.data.subarray(y * src.width * 3, (y * src.width + w) * 3), y * w * 3);
  }
  return { width: w, height: h, data };
}

/**
 * Asserts that two predictions of one image agree: logits, map and the
 * localizer's probabilities within 1e-4, thresholded masks on 99.9% of
 * pixels. A softmax output moves by at most the largest logit change
 * (|p_i (dz_i - sum_j p_j dz_j)| <= max |dz|), so the probabilities get the
 * logits' bound (comparing rounded values failed on a probability at
 * 0.45505). Returns the largest logit and map differences, for the log.
 */
export function assertSamePrediction(
  a: Prediction,
  b: Prediction,
): { logits: number; mask: number } {
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
  const probs = Math.max(
    ...a.localizerProbabilities.map((v, k) => Math.abs(v - b.localizerProbabilities[k])),
  );
  assert.ok(probs < 1e-4, `localizer probabilities differ by ${probs}`);
  return { logits, mask };
}
