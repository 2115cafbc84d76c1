/**
 * An exported ONNX model run by onnxruntime (web, or node where the native
 * runtime is chosen), behind the core's `Localizer` interface and without
 * loading TensorFlow.js. Padding to
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
  type ClassMaps,
  cropBack,
  env,
  type FileType,
  type Localizer,
  makePrediction,
  type MapHead,
  mapHeadOf,
  type Method,
  ModelFormatError,
  type Normalization,
  normalizeChw,
  padImage,
  type Prediction,
  restoreMapSize,
  type RgbImage,
  type RuntimeInfo,
  scaleImage,
  sniffFileType,
} from "@pointwise/core/lite";
import { createSession, type OrtSession } from "./ort_session.ts";
import { type OnnxModelInfo, readModelInfo } from "./model_info.ts";
import { type OrtChoice, resolveOrtProvider, type RuntimeSetting } from "./provider.ts";
import { pruneToOutputs } from "./subgraph.ts";

/** A Pointwise ONNX model loaded in onnxruntime. */
export class OnnxLocalizer implements Localizer {
  /** Mask threshold; from the model's metadata (0.5 by default). */
  threshold: number;
  readonly runtime: RuntimeInfo;
  /**
   * The localizer's class maps of an image, from the graph's `class_maps`
   * output; absent for files exported without it or without their config.
   */
  readonly classMaps?: (image: RgbImage) => Promise<ClassMaps>;
  /**
   * The class maps of several images of one size as one batch: present where
   * `classMaps` is and the graph's batch axis is symbolic (files exported
   * before it was have a batch of 1).
   */
  readonly classMapsBatch?: (images: readonly RgbImage[]) => Promise<ClassMaps[]>;

  /** The session of the localizer's part of the graph, made on the first `classMaps` call. */
  #mapsSession: Promise<OrtSession> | null = null;

  /**
   * @param info what the model's metadata says.
   * @param choice the execution provider it runs on.
   * @param session the onnxruntime session (the localizer takes it over).
   * @param bytes the model file: with it, `classMaps` runs the localizer's
   *   part of the graph only, in a second session made when first needed
   *   (onnxruntime runs a whole graph whatever a run fetches); without it,
   *   the whole graph.
   */
  constructor(
    readonly info: OnnxModelInfo,
    readonly choice: OrtChoice,
    readonly session: OrtSession,
    bytes?: Uint8Array,
  ) {
    this.threshold = info.threshold;
    this.runtime = {
      name: choice.runtime === "native" ? "onnxruntime-node" : "onnxruntime-web",
      provider: choice.provider,
      reason: choice.reason,
    };
    // Class maps at the image's own scale only (a model trained at another
    // input scale sees a rescaled image).
    const head = info.config ? mapHeadOf(info.config) : null;
    if (head !== null && info.outputs.includes("class_maps") && info.resize === 1) {
      this.classMaps = async (image) => (await this.#classMaps([image], head, bytes))[0];
      if (info.batch === null) {
        this.classMapsBatch = (images) => this.#classMaps(images, head, bytes);
      }
    }
  }

  /** Class names, in label order. */
  get classes(): readonly string[] {
    return this.info.classes;
  }

  /** The method it was trained with (exported models are min-max models). */
  get method(): Method {
    return this.info.config?.method ?? "minmax";
  }

  /** The exported graph gives R+. */
  readonly mapName = "R+";

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
   *
   * @param image the image, any size.
   * @returns the class, the probabilities and the mask at the image's size.
   */
  async predict(image: RgbImage): Promise<Prediction> {
    const { ort, session } = this.session;
    // The input scale the model was trained at, from its metadata; the mask
    // comes back at the image's own size.
    const scale = this.info.resize;
    const seen = scale === 1 ? image : scaleImage(image, scale);
    const { width: w, height: h } = seen;
    // Reflect padding needs 2 pixels an axis: tiny images are padded here, as
    // the TensorFlow.js path pads them, and the mask cropped back.
    const input = h < PAD_MULTIPLE || w < PAD_MULTIPLE ? padImage(seen, PAD_MULTIPLE) : seen;
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
      const mask = input === seen
        ? Float32Array.from(outputs.mask)
        : cropBack(outputs.mask, input.height, input.width, h, w);
      return makePrediction({
        width: image.width,
        height: image.height,
        mask: restoreMapSize(mask, w, h, image.width, image.height),
        logits: outputs.logits,
        localizerLogits: outputs.localizerLogits,
        classes: this.info.classes,
        threshold: this.threshold,
      });
    } finally {
      for (const t of Object.values(out)) t.dispose();
    }
  }

  async #classMaps(
    images: readonly RgbImage[],
    head: MapHead,
    bytes?: Uint8Array,
  ): Promise<ClassMaps[]> {
    if (images.length === 0) return [];
    if (bytes !== undefined && this.#mapsSession === null) {
      this.#mapsSession = createSession(pruneToOutputs(bytes, ["class_maps"]), this.choice);
    }
    const { ort, session } = this.#mapsSession ? await this.#mapsSession : this.session;
    const { width: w, height: h } = images[0];
    if (images.some((im) => im.width !== w || im.height !== h)) {
      throw new RangeError("the images of a batch must have one size");
    }
    const n = images.length, plane = 3 * h * w;
    const x = n === 1
      ? normalizeChw(images[0], this.info.normalization)
      : new Float32Array(n * plane);
    if (n > 1) {
      images.forEach((im, i) => x.set(normalizeChw(im, this.info.normalization), i * plane));
    }
    const out = await session.run({ image: new ort.Tensor("float32", x, [n, 3, h, w]) }, [
      "class_maps",
    ]);
    try {
      const t = out.class_maps;
      const [, classes, height, width] = t.dims as number[];
      const data = t.data as Float32Array, size = classes * height * width;
      // The graph pads the image to multiples of 32 before the backbone.
      const inputHeight = Math.ceil(h / 32) * 32, inputWidth = Math.ceil(w / 32) * 32;
      return images.map((_, i) => ({
        maps: data.slice(i * size, (i + 1) * size),
        classes,
        height,
        width,
        stride: inputHeight / height,
        inputHeight,
        inputWidth,
        head,
      }));
    } finally {
      for (const t of Object.values(out)) t.dispose();
    }
  }

  /** Releases the sessions. */
  async dispose(): Promise<void> {
    await this.session.session.release();
    if (this.#mapsSession) await (await this.#mapsSession).session.release();
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
  /** Which onnxruntime: `auto` (native where it loads, see `provider.ts`), `web` or `native` [auto]. */
  runtime?: RuntimeSetting;
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
  const choice = await resolveOrtProvider(o.backend ?? env.backend, o.runtime ?? "auto");
  let session: OrtSession;
  try {
    session = await createSession(bytes, choice);
  } catch (e) {
    throw new Error(`${name}: onnxruntime cannot load it: ${(e as Error).message ?? e}`);
  }
  return new OnnxLocalizer(info, choice, session, bytes);
}
