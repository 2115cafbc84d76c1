/**
 * Inference-time overrides shared by `eval` and `predict`: settings that
 * change how a trained model's outputs are read, not its weights.
 *
 * @example
 * ```ts ignore
 * const checkpoint = withInferenceFlags(decodeCheckpoint(bytes, path), values);
 * ```
 * @module
 */
import type { Checkpoint } from "@pointwise/core/lite";
import { CONFIG_FIELDS } from "@pointwise/core/lite";
import { str, UsageError } from "../args.ts";

/** The flags. */
export const INFERENCE_OPTIONS = {
  "mask-upsample": { type: "string" },
  map: { type: "string" },
} as const;

/** Help lines for the flags. */
export const INFERENCE_HELP =
  "    --mask-upsample MODE         how M+ is upsampled: align-corners (reference) or stride-grid\n" +
  "                                 [the model's setting]\n" +
  "    --map cam|gradcam            for a plainly trained GAP classifier (method cam or gradcam):\n" +
  "                                 its class activation map or Grad-CAM [the model's method]";

/** Methods that share one trained network and differ only in how the map is read. */
const SAME_NETWORK = ["cam", "gradcam"];

/** The checkpoint with the inference flags applied to its config. */
export function withInferenceFlags(c: Checkpoint, values: Record<string, unknown>): Checkpoint {
  const map = str(values, "map");
  if (map !== undefined) {
    if (!SAME_NETWORK.includes(map)) {
      throw new UsageError(`--map must be one of ${SAME_NETWORK.join(", ")}, got '${map}'`);
    }
    if (!SAME_NETWORK.includes(c.config.method)) {
      throw new UsageError(
        `--map applies to cam and gradcam models; this model's method is ${c.config.method}`,
      );
    }
    c = { ...c, config: { ...c.config, method: map as Checkpoint["config"]["method"] } };
  }
  const mode = str(values, "mask-upsample");
  if (mode === undefined) return c;
  const choices = CONFIG_FIELDS.maskUpsample.choices!;
  if (!choices.includes(mode)) {
    throw new UsageError(`--mask-upsample must be one of ${choices.join(", ")}, got '${mode}'`);
  }
  return {
    ...c,
    config: { ...c.config, maskUpsample: mode as Checkpoint["config"]["maskUpsample"] },
  };
}
