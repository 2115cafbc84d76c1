/**
 * The one place a runtime is chosen: `load()` reads a model file's bytes,
 * tells a TensorFlow.js checkpoint (safetensors) from an exported ONNX model
 * by their first bytes, and returns the core's `Localizer` for it: an
 * `OnnxLocalizer` on onnxruntime (native onnxruntime-node where it loads and
 * the runtime setting allows, onnxruntime-web otherwise: `provider.ts`), or a
 * `TfjsLocalizer`, loaded on demand, so that ONNX inference never loads
 * TensorFlow.js.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ModelFormatError } from "@pointwise/core/lite";
 * import { tinyCheckpoint } from "@pointwise/core/testing";
 * import { load } from "./load.ts";
 * // A checkpoint runs in TensorFlow.js (loaded on demand), an .onnx file in onnxruntime-web.
 * const { bytes } = await tinyCheckpoint(["benign", "malignant"]);
 * const model = await load(bytes, { name: "best.safetensors", backend: "cpu" });
 * assert.equal(model.runtime.name, "tfjs");
 * const p = await model.predict({ width: 40, height: 30, data: new Uint8Array(40 * 30 * 3) });
 * assert.equal(p.mask.length, 40 * 30);
 * await model.dispose();
 * await assert.rejects(load(new TextEncoder().encode("hello"), { name: "notes.txt" }), ModelFormatError);
 * ```
 * @module
 */
import {
  type BackendSetting,
  type Checkpoint,
  decodeCheckpoint,
  env,
  type Localizer,
  type MapRequest,
  MapRequestError,
  type ModelFormat,
  ModelFormatError,
  parseMapKind,
  resolveMapRequest,
  sniffFileType,
  type UpsampleMode,
} from "@pointwise/core/lite";
import { loadOnnx } from "./onnx_localizer.ts";
import type { RuntimeSetting } from "./provider.ts";

/** Options of {@link load}. */
export interface LoadOptions {
  /** The file, named in every error [model]. */
  name?: string;
  /** Backend request (default: the core's `env.backend`). */
  backend?: BackendSetting;
  /**
   * ONNX models only: `auto` (onnxruntime-node where it loads and the
   * backend setting is `auto` or `cpu`), `web` or `native` [auto].
   */
  runtime?: RuntimeSetting;
  /** The formats accepted [both]; a service that must not load TensorFlow.js takes ONNX only. */
  formats?: readonly ModelFormat[];
  /** Checkpoints only: how M+ is upsampled, instead of the model's setting. */
  maskUpsample?: UpsampleMode;
  /**
   * The map predictions carry, one the model's method defines
   * (`METHOD_MAPS`: `r+`, `m+`, `cam`, `gradcam`, `attention`) [its own].
   * Exported ONNX models give R+ only. A plainly trained GAP classifier
   * (method `cam` or `gradcam`) read by the other's map is named by it.
   */
  map?: string;
  /** The class of a map of one class (`cam`, `gradcam`), by name [the predicted class]. */
  mapClass?: string;
}

/** An inference option that the model's format or method cannot take. */
export class UnsupportedOptionError extends Error {
  override name = "UnsupportedOptionError";

  /**
   * @param option the {@link LoadOptions} field.
   * @param reason why it does not apply, as a sentence that follows the option's name.
   */
  constructor(
    readonly option: "maskUpsample" | "map" | "mapClass" | "runtime",
    readonly reason: string,
  ) {
    super(`${option} ${reason}`);
  }
}

/** Methods that share one trained network and differ only in how the map is read. */
const GAP_METHODS = ["cam", "gradcam"];

/** The map request of a checkpoint's method, and the checkpoint with the options applied. */
function withOptions(c: Checkpoint, o: LoadOptions): { checkpoint: Checkpoint; map: MapRequest } {
  let map: MapRequest;
  try {
    map = resolveMapRequest(c.config.method, c.classes, o);
  } catch (e) {
    if (e instanceof MapRequestError) throw new UnsupportedOptionError(e.field, e.reason);
    throw e;
  }
  let config = c.config;
  // One trained GAP classifier, two readings: named by the map it is read by.
  if (GAP_METHODS.includes(config.method) && GAP_METHODS.includes(map.kind)) {
    config = { ...config, method: map.kind as "cam" | "gradcam" };
  }
  if (o.maskUpsample !== undefined) config = { ...config, maskUpsample: o.maskUpsample };
  return { checkpoint: config === c.config ? c : { ...c, config }, map };
}

/**
 * Loads a model from its bytes on the runtime its format needs.
 *
 * @param bytes the model file: a Pointwise checkpoint (.safetensors) or an exported .onnx model.
 * @param o the file's name, the backend, accepted formats and inference options.
 * @returns the model behind the `Localizer` interface.
 * @throws {ModelFormatError} for any other kind of file.
 * @throws {UnsupportedOptionError} for an option the model cannot take.
 */
export async function load(bytes: Uint8Array, o: LoadOptions = {}): Promise<Localizer> {
  const name = o.name ?? "model";
  const accepted = o.formats ?? ["checkpoint", "onnx"];
  const found = sniffFileType(bytes);
  // An unrecognised .onnx file goes to the ONNX parser, whose error says what is wrong with it.
  const unrecognised = found === "empty" || found === "text" || found === "unknown";
  const format: ModelFormat | undefined = found === "onnx" ||
      (unrecognised && name.toLowerCase().endsWith(".onnx"))
    ? "onnx"
    : found === "safetensors"
    ? "checkpoint"
    : undefined;
  if (format === undefined || !accepted.includes(format)) {
    throw new ModelFormatError(name, found, accepted);
  }
  const backend = o.backend ?? env.backend;
  if (format === "onnx") {
    if (o.maskUpsample !== undefined) {
      throw new UnsupportedOptionError(
        "maskUpsample",
        "cannot change an exported ONNX model; export it with that setting",
      );
    }
    for (const option of ["map", "mapClass"] as const) {
      if (o[option] === undefined || (option === "map" && parseMapKind(o.map!) === "r+")) continue;
      throw new UnsupportedOptionError(
        option,
        "cannot be read from an exported ONNX model: its graph gives R+ only (outputs logits, " +
          "mask = R+, localizer_logits); M+ and class maps need the checkpoint",
      );
    }
    return await loadOnnx(bytes, name, { backend, runtime: o.runtime });
  }
  if (o.runtime !== undefined && o.runtime !== "auto") {
    throw new UnsupportedOptionError(
      "runtime",
      `${o.runtime} runs exported ONNX models; a checkpoint runs in TensorFlow.js (export it to ` +
        "ONNX for onnxruntime)",
    );
  }
  const { checkpoint, map } = withOptions(decodeCheckpoint(bytes, name), o);
  // Loaded here, so that ONNX inference never loads TensorFlow.js.
  const { initBackend, TfjsLocalizer } = await import("@pointwise/core");
  const choice = await initBackend(backend);
  return TfjsLocalizer.fromCheckpoint(checkpoint, choice.reason, map);
}
