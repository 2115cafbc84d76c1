/**
 * An exported ONNX model run by onnxruntime-web, behind the core's
 * `Localizer` interface and without loading TensorFlow.js. Padding to
 * multiples of 32 and the crop back are inside the graph; this module
 * normalises the image as the model's metadata says and reads the outputs.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { tinyOnnx } from "@pointwise/core/testing";
 * import { loadOnnx } from "./onnx_localizer.ts";
 * // The model's bytes: Deno.readFile("model.onnx") in practice.
 * const localizer = await loadOnnx(await tinyOnnx(), "model.onnx", { backend: "wasm" });
 * const p = await localizer.predict({ width: 50, height: 40, data: new Uint8Array(50 * 40 * 3) });
 * assert.equal(p.mask.length, 50 * 40); // padding and the crop back are inside the graph
 * assert.equal(localizer.runtime.provider, "wasm");
 * await localizer.dispose();
 * ```
 * @module
 */
import {
  type BackendSetting,
  env,
  type FileType,
  type Localizer,
  makePrediction,
  type Method,
  ModelFormatError,
  type Normalization,
  normalizeChw,
  type Prediction,
  type RgbImage,
  type RuntimeInfo,
  sniffFileType,
} from "@pointwise/core/lite";
import { createSession, type OrtSession } from "./ort_session.ts";
import { type OnnxModelInfo, readModelInfo } from "./model_info.ts";
import { type OrtChoice, resolveOrtProvider } from "./provider.ts";

/** A Pointwise ONNX model loaded in onnxruntime. */
export class OnnxLocalizer implements Localizer {
  /** Mask threshold; from the model's metadata (0.5 by default). */
  threshold: number;
  readonly runtime: RuntimeInfo;

  /**
   * @param info what the model's metadata says.
   * @param choice the execution provider it runs on.
   * @param session the onnxruntime session (the localizer takes it over).
   */
  constructor(
    readonly info: OnnxModelInfo,
    readonly choice: OrtChoice,
    readonly session: OrtSession,
  ) {
    this.threshold = info.threshold;
    this.runtime = { name: "onnxruntime-web", provider: choice.provider, reason: choice.reason };
  }

  /** Class names, in label order. */
  get classes(): readonly string[] {
    return this.info.classes;
  }

  /** The method it was trained with (exported models are min-max models). */
  get method(): Method {
    return this.info.config?.method ?? "minmax";
  }

  /** The input normalisation of the model's metadata. */
  get normalization(): Normalization {
    return this.info.normalization;
  }

  /**
   * Classifies `image` and localizes what the decision rests on.
   *
   * @param image the image, any size (the graph pads it to multiples of 32).
   * @returns the class, the probabilities and the mask at the image's size.
   */
  async predict(image: RgbImage): Promise<Prediction> {
    const { ort, session } = this.session;
    const { width: w, height: h } = image;
    const x = normalizeChw(image, this.info.normalization);
    const out = await session.run({ image: new ort.Tensor("float32", x, [1, 3, h, w]) });
    try {
      return makePrediction({
        width: w,
        height: h,
        mask: Float32Array.from(out.mask.data as Float32Array),
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
    await this.session.session.release();
  }
}

/** Types that may still be a (damaged) ONNX file. */
const UNRECOGNISED: readonly FileType[] = ["empty", "text", "unknown"];

/** Options of {@link loadOnnx}. */
export interface LoadOnnxOptions {
  /** Backend request (default: the core's `env.backend`). */
  backend?: BackendSetting;
}

/**
 * Loads a Pointwise ONNX model.
 *
 * @param bytes the .onnx file's bytes.
 * @param name the file, named in every error.
 * @param o the backend request.
 * @returns the localizer, on the chosen execution provider.
 * @throws {ModelFormatError} for a file of another type (a checkpoint, an image).
 */
export async function loadOnnx(
  bytes: Uint8Array,
  name = "model.onnx",
  o: LoadOnnxOptions = {},
): Promise<OnnxLocalizer> {
  // Files of another known type are named as such; anything else goes to the
  // ONNX parser, whose error says what is wrong with it.
  const found = sniffFileType(bytes);
  if (!UNRECOGNISED.includes(found) && found !== "onnx") {
    throw new ModelFormatError(name, found, ["onnx"]);
  }
  const info = readModelInfo(bytes, name);
  const choice = await resolveOrtProvider(o.backend ?? env.backend);
  let session: OrtSession;
  try {
    session = await createSession(bytes, choice);
  } catch (e) {
    throw new Error(`${name}: onnxruntime cannot load it: ${(e as Error).message ?? e}`);
  }
  return new OnnxLocalizer(info, choice, session);
}
