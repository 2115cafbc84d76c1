/**
 * Inference from an exported ONNX model with onnxruntime-web, with the same
 * `predict()` result as the TensorFlow.js path and without loading
 * TensorFlow.js. Padding to multiples of 32 and the crop back are inside the
 * graph; this module normalises the image and reads the outputs.
 *
 * @example
 * ```ts ignore
 * const localizer = await loadOnnx(await Deno.readFile("model.onnx"), "model.onnx");
 * const p = await localizer.predict(image);
 * await localizer.dispose();
 * ```
 * @module
 */
import {
  type BackendSetting,
  env,
  makePrediction,
  type OrtChoice,
  type Prediction,
  resolveOrtProvider,
  restoreMapSize,
  type RgbImage,
  scaleImage,
} from "@pointwise/core/lite";
import { createSession, type OrtSession } from "./ort_session.ts";
import { type OnnxModelInfo, readModelInfo } from "./model_info.ts";

/** A Pointwise ONNX model loaded in onnxruntime. */
export class OnnxLocalizer {
  /** Mask threshold; from the model's metadata (0.5 by default). */
  threshold: number;

  constructor(
    readonly info: OnnxModelInfo,
    readonly choice: OrtChoice,
    readonly runtime: OrtSession,
  ) {
    this.threshold = info.threshold;
  }

  /** Class names, in label order. */
  get classes(): string[] {
    return this.info.classes;
  }

  /** Normalised NCHW input of an image, as the model's metadata says. */
  input(image: RgbImage): Float32Array {
    const { width: w, height: h, data } = image;
    const n = w * h;
    const x = new Float32Array(3 * n);
    const { mean, std } = this.info.normalization;
    for (let c = 0; c < 3; c++) {
      const scale = 1 / (255 * std[c]);
      const shift = mean[c] / std[c];
      for (let i = 0; i < n; i++) x[c * n + i] = data[3 * i + c] * scale - shift;
    }
    return x;
  }

  /** Classifies `image` and localizes what the decision rests on. */
  async predict(image: RgbImage): Promise<Prediction> {
    const { ort, session } = this.runtime;
    // The input scale the model was trained at, from its metadata; the mask
    // comes back at the image's own size.
    const scale = this.info.resize;
    const seen = scale === 1 ? image : scaleImage(image, scale);
    const { width: w, height: h } = seen;
    const feeds = { image: new ort.Tensor("float32", this.input(seen), [1, 3, h, w]) };
    const out = await session.run(feeds);
    try {
      const mask = Float32Array.from(out.mask.data as Float32Array);
      return makePrediction({
        width: image.width,
        height: image.height,
        mask: restoreMapSize(mask, w, h, image.width, image.height),
        logits: out.logits.data as Float32Array,
        localizerLogits: out.localizer_logits?.data as Float32Array | undefined,
        classes: this.info.classes,
        threshold: this.threshold,
      });
    } finally {
      for (const t of Object.values(out)) t.dispose();
    }
  }

  /** Releases the session. */
  async dispose(): Promise<void> {
    await this.runtime.session.release();
  }
}

/** Options of {@link loadOnnx}. */
export interface LoadOnnxOptions {
  /** Backend request (default: the core's `env.backend`). */
  backend?: BackendSetting;
}

/** Loads a Pointwise ONNX model; `name` (the file) goes into every error. */
export async function loadOnnx(
  bytes: Uint8Array,
  name = "model.onnx",
  o: LoadOnnxOptions = {},
): Promise<OnnxLocalizer> {
  const info = readModelInfo(bytes, name);
  const choice = await resolveOrtProvider(o.backend ?? env.backend);
  let runtime: OrtSession;
  try {
    runtime = await createSession(bytes, choice);
  } catch (e) {
    throw new Error(`${name}: onnxruntime cannot load it: ${(e as Error).message ?? e}`);
  }
  return new OnnxLocalizer(info, choice, runtime);
}
