/**
 * `--model` and the inference flags shared by `predict` and `eval`: which
 * model (a run folder, a checkpoint, an exported .onnx file), how its map is
 * read (`--mask-upsample`, `--map`), on which backend and onnxruntime
 * (`--runtime`). The model is opened by the runtime's one `load()`, which
 * picks TensorFlow.js or onnxruntime from the file's format.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { join } from "node:path";
 * import { tinyOnnx } from "@pointwise/core/testing";
 * import { UsageError } from "../args.ts";
 * import { openModel } from "./model_flags.ts";
 * const dir = await Deno.makeTempDir();
 * await Deno.writeFile(join(dir, "model.onnx"), await tinyOnnx());
 * const { localizer, path } = await openModel({ model: join(dir, "model.onnx"), backend: "wasm" });
 * assert.equal(localizer.runtime.name, "onnxruntime-web");
 * assert.equal(path, join(dir, "model.onnx"));
 * await localizer.dispose();
 * // An ONNX model cannot change its upsampling: a usage mistake, named by its flag.
 * await assert.rejects(openModel({ model: path, "mask-upsample": "stride-grid" }), UsageError);
 * await Deno.remove(dir, { recursive: true });
 * ```
 * @module
 */
import {
  type BackendSetting,
  type Localizer,
  MAP_KINDS,
  parseMapKind,
  UPSAMPLE_MODES,
  type UpsampleMode,
} from "@pointwise/core/lite";
import { load, type RuntimeSetting, UnsupportedOptionError } from "@pointwise/runtime";
import { str, UsageError } from "../args.ts";
import { readFileFor } from "../files.ts";
import { helpRows } from "../console/help.ts";
import { resolveModelPath } from "../run_folder.ts";
import { backendSetting, RUNTIME_HELP, runtimeSetting } from "./backend_flags.ts";

/** The flags. */
export const MODEL_OPTIONS = {
  model: { type: "string" },
  runtime: { type: "string" },
  "mask-upsample": { type: "string" },
  map: { type: "string" },
  class: { type: "string" },
} as const;

/** Help lines for the inference flags (rows of a command's model section). */
export const INFERENCE_HELP: string = helpRows([
  [
    "--mask-upsample MODE",
    "how M+ is upsampled: align-corners (reference) or stride-grid [the model's setting]",
  ],
  [
    "--map r+|m+|cam|gradcam|attention",
    "the map to read, one the model's method defines: min-max r+ (the mask), m+ (M+ " +
    "normalised), cam (the localizer's class map); wildcat m+, cam; cam and gradcam: cam, " +
    "gradcam; deepmil attention [the method's own]. Exported .onnx models give r+ only",
  ],
  ["--class NAME", "the map of this class (cam, gradcam) [the predicted class]"],
]) + "\n" + RUNTIME_HELP;

const FLAGS = {
  maskUpsample: "--mask-upsample",
  map: "--map",
  mapClass: "--class",
  runtime: "--runtime",
} as const;

/** An opened model and the file it came from. */
export interface OpenedModel {
  localizer: Localizer;
  /** The model file (a run folder resolves to its best checkpoint). */
  path: string;
}

/** The inference flags, checked. */
export interface ModelFlags {
  model: string;
  map?: string;
  maskUpsample?: UpsampleMode;
  backend: BackendSetting;
  runtime: RuntimeSetting;
}

/**
 * Reads and checks the inference flags without opening anything, so that a command can refuse a
 * bad flag before it scans its inputs.
 *
 * @param values parsed flags.
 * @returns the checked flags.
 * @throws {UsageError} for a missing `--model` or a value outside a flag's choices.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { UsageError } from "../args.ts";
 * import { modelFlags } from "./model_flags.ts";
 * assert.equal(modelFlags({ model: "run/best.safetensors", backend: "wasm" }).backend, "wasm");
 * assert.throws(() => modelFlags({ model: "m.onnx", map: "bogus" }), UsageError);
 * ```
 */
export function modelFlags(values: Record<string, unknown>): ModelFlags {
  const model = str(values, "model");
  if (model === undefined) throw new UsageError("--model is required");
  const map = str(values, "map");
  if (map !== undefined && parseMapKind(map) === undefined) {
    throw new UsageError(`--map must be one of ${MAP_KINDS.join(", ")}, got '${map}'`);
  }
  const maskUpsample = str(values, "mask-upsample");
  if (maskUpsample !== undefined && !UPSAMPLE_MODES.includes(maskUpsample as UpsampleMode)) {
    throw new UsageError(
      `--mask-upsample must be one of ${UPSAMPLE_MODES.join(", ")}, got '${maskUpsample}'`,
    );
  }
  return {
    model,
    map,
    maskUpsample: maskUpsample as UpsampleMode | undefined,
    backend: backendSetting(values),
    runtime: runtimeSetting(values),
  };
}

/**
 * Opens `--model` with the inference and backend flags; reports the runtime on stderr.
 *
 * @param values parsed flags.
 * @returns the model and the file it came from.
 * @throws {UsageError} for a missing `--model` or an option the model cannot take.
 */
export async function openModel(values: Record<string, unknown>): Promise<OpenedModel> {
  const { model, map, maskUpsample, backend, runtime } = modelFlags(values);
  const path = await resolveModelPath(model);
  try {
    const localizer = await load(await readFileFor(path, "model"), {
      name: path,
      backend,
      runtime,
      map,
      mapClass: str(values, "class"),
      maskUpsample,
    });
    const { name, provider, reason } = localizer.runtime;
    console.error(
      name === "tfjs"
        ? `backend: ${provider} (${reason})`
        : `runtime: ${name}, ${provider} (${reason})`,
    );
    return { localizer, path };
  } catch (e) {
    if (e instanceof UnsupportedOptionError) {
      throw new UsageError(`${FLAGS[e.option]} ${e.reason}`);
    }
    throw e;
  }
}
