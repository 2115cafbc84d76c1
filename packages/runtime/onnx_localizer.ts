/**
 * An exported ONNX model run by onnxruntime-web, behind the core's
 * `Localizer` interface and without loading TensorFlow.js. Padding to
 * multiples of 32 and the crop back are inside the graph; this module
 * normalises the image as the model's metadata says and reads the outputs.
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
  cropBack,
  env,
  type FileType,
  type Localizer,
  makePrediction,
  type Method,
  ModelFormatError,
  type Normalization,
  normalizeChw,
  padImage,
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
   * Classifies `image` and localizes what the decision rests on. Images with
   * a side under 32 pixels are reflect-padded here, with the geometry of the
   * graph's own padding and crop (and of the TensorFlow.js localizer):
   * onnxruntime's reflect `Pad` cannot pad a side by more than its length
   * minus one, while the reference's numpy padding reflects again.
   */
  async predict(image: RgbImage): Promise<Prediction> {
    const { ort, session } = this.session;
    const { width: w, height: h } = image;
    const input = h < PAD_MULTIPLE || w < PAD_MULTIPLE ? padImage(image, PAD_MULTIPLE) : image;
    const x = normalizeChw(input, this.info.normalization);
    let out: Awaited<ReturnType<typeof session.run>>;
    try {
      out = await session.run({
        image: new ort.Tensor("float32", x, [1, 3, input.height, input.width]),
      });
    } catch (e) {
      const why = String((e as Error).message ?? e).replace(/^failed to call OrtRun\(\)\. /, "");
      throw new Error(`${this.info.name}: onnxruntime failed on a ${w}x${h} image: ${why}`, {
        cause: e,
      });
    }
    try {
      const outputs = checkOutputs(out, this.info, input.height, input.width);
      const mask = input === image
        ? Float32Array.from(outputs.mask)
        : cropBack(outputs.mask, input.height, input.width, h, w);
      return makePrediction({
        width: w,
        height: h,
        mask,
        logits: outputs.logits,
        localizerLogits: outputs.localizerLogits,
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

/** The side multiple the graph pads images to. */
const PAD_MULTIPLE = 32;

type OrtOutputs = Record<string, { dims: readonly number[]; data: unknown }>;

/** The outputs of one run, checked against the shapes the model's metadata promises. */
function checkOutputs(
  out: OrtOutputs,
  info: OnnxModelInfo,
  h: number,
  w: number,
): { mask: Float32Array; logits: Float32Array; localizerLogits?: Float32Array } {
  const c = info.classes.length;
  const take = (name: string, dims: number[]): Float32Array => {
    const t = out[name];
    if (t === undefined) throw new Error(`${info.name}: the model gave no '${name}' output`);
    if (!(t.data instanceof Float32Array) || t.dims.join(",") !== dims.join(",")) {
      throw new Error(
        `${info.name}: output '${name}' is [${t.dims}] (${
          t.data instanceof Float32Array ? "float32" : "not float32"
        }), expected float32 [${dims}] for ${c} classes and a ${w}x${h} input`,
      );
    }
    return t.data;
  };
  return {
    mask: take("mask", [1, 1, h, w]),
    logits: take("logits", [1, c]),
    localizerLogits: out.localizer_logits === undefined
      ? undefined
      : take("localizer_logits", [1, c]),
  };
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
