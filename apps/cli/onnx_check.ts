/**
 * Before an ONNX file is written, it is run in onnxruntime on a test image of
 * odd, non-square size and compared with the TensorFlow.js model it came
 * from, so `export` never writes a file that loads but computes something
 * else.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { decodeCheckpoint } from "@pointwise/core/lite";
 * import { exportOnnx } from "@pointwise/core/onnx";
 * import { tinyCheckpoint } from "@pointwise/core/testing";
 * import { checkOnnx } from "./onnx_check.ts";
 * const checkpoint = decodeCheckpoint((await tinyCheckpoint()).bytes, "best.safetensors");
 * const r = await checkOnnx(exportOnnx(checkpoint), checkpoint); // throws when they differ
 * assert.ok(r.logits < 1e-3 && r.mask < 1e-3 && r.agreement >= 0.999);
 * ```
 * @module
 */
import type { Checkpoint } from "@pointwise/core/lite";
import { syntheticDataset } from "@pointwise/core/data";

/** Largest differences found. */
export interface OnnxCheck {
  logits: number;
  mask: number;
  /** Fraction of pixels whose thresholded masks agree. */
  agreement: number;
}

/** Refused above these (the parity tests hold 1e-4 on tiny models). */
const LIMITS = { logits: 1e-3, mask: 1e-3, agreement: 0.999 };

/** Compares the ONNX graph with the checkpoint on one image; throws when they differ. */
export async function checkOnnx(bytes: Uint8Array, c: Checkpoint): Promise<OnnxCheck> {
  const { TfjsLocalizer } = await import("@pointwise/core");
  const { loadOnnx } = await import("@pointwise/runtime");
  const source = syntheticDataset({ count: 1, size: 160, classes: 2, seed: 11 }).samples[0].image;
  const w = 143, h = 97;
  const data = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++) {
    data.set(source.data.subarray((y * 160) * 3, (y * 160 + w) * 3), y * w * 3);
  }
  const image = { width: w, height: h, data };
  const tfjs = TfjsLocalizer.fromCheckpoint(c);
  const ort = await loadOnnx(bytes, "exported model");
  try {
    const a = await tfjs.predict(image);
    const b = await ort.predict(image);
    let logits = 0, mask = 0, agree = 0;
    a.logits.forEach((v, i) => (logits = Math.max(logits, Math.abs(v - b.logits[i]))));
    for (let i = 0; i < a.mask.length; i++) {
      mask = Math.max(mask, Math.abs(a.mask[i] - b.mask[i]));
      if (a.binary[i] === b.binary[i]) agree++;
    }
    const r = { logits, mask, agreement: agree / a.mask.length };
    if (!(r.logits <= LIMITS.logits && r.mask <= LIMITS.mask && r.agreement >= LIMITS.agreement)) {
      throw new Error(
        `the exported graph does not reproduce the model (logits differ by ${r.logits}, the mask by ` +
          `${r.mask}, ${
            (100 * r.agreement).toFixed(2)
          }% of mask pixels agree); nothing was written`,
      );
    }
    return r;
  } finally {
    tfjs.dispose();
    await ort.dispose();
  }
}
