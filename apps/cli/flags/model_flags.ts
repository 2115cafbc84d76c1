/**
 * `--model` and the inference flags shared by `predict` and `eval`: which
 * model (a run folder, a checkpoint, an exported .onnx file), how its map is
 * read (`--mask-upsample`, `--map`), on which backend. The model is opened
 * by the runtime's one `load()`, which picks TensorFlow.js or onnxruntime
 * from the file's format.
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
import { type Localizer, UPSAMPLE_MODES, type UpsampleMode } from "@pointwise/core/lite";
import { load, UnsupportedOptionError } from "@pointwise/runtime";
import { str, UsageError } from "../args.ts";
import { readFileFor } from "../files.ts";
import { resolveModelPath } from "../run_folder.ts";
import { backendSetting } from "./backend_flags.ts";

/** The flags. */
export const MODEL_OPTIONS = {
  model: { type: "string" },
  "mask-upsample": { type: "string" },
  map: { type: "string" },
} as const;

/** Help lines for the inference flags. */
export const INFERENCE_HELP =
  "    --mask-upsample MODE         how M+ is upsampled: align-corners (reference) or stride-grid\n" +
  "                                 [the model's setting]\n" +
  "    --map cam|gradcam            for a plainly trained GAP classifier (method cam or gradcam):\n" +
  "                                 its class activation map or Grad-CAM [the model's method]";

const MAPS = ["cam", "gradcam"] as const;
const FLAGS = { maskUpsample: "--mask-upsample", map: "--map" } as const;

/** An opened model and the file it came from. */
export interface OpenedModel {
  localizer: Localizer;
  /** The model file (a run folder resolves to its best checkpoint). */
  path: string;
}

/**
 * Opens `--model` with the inference and backend flags; reports the runtime on stderr.
 *
 * @param values parsed flags.
 * @returns the model and the file it came from.
 * @throws {UsageError} for a missing `--model` or an option the model cannot take.
 */
export async function openModel(values: Record<string, unknown>): Promise<OpenedModel> {
  const model = str(values, "model");
  if (model === undefined) throw new UsageError("--model is required");
  const map = str(values, "map");
  if (map !== undefined && !MAPS.includes(map as typeof MAPS[number])) {
    throw new UsageError(`--map must be one of ${MAPS.join(", ")}, got '${map}'`);
  }
  const maskUpsample = str(values, "mask-upsample");
  if (maskUpsample !== undefined && !UPSAMPLE_MODES.includes(maskUpsample as UpsampleMode)) {
    throw new UsageError(
      `--mask-upsample must be one of ${UPSAMPLE_MODES.join(", ")}, got '${maskUpsample}'`,
    );
  }
  const backend = backendSetting(values);
  const path = await resolveModelPath(model);
  try {
    const localizer = await load(await readFileFor(path, "model"), {
      name: path,
      backend,
      map: map as typeof MAPS[number] | undefined,
      maskUpsample: maskUpsample as UpsampleMode | undefined,
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
