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
import { str, UsageError } from "./args.ts";

/** The flags. */
export const INFERENCE_OPTIONS = { "mask-upsample": { type: "string" } } as const;

/** Help lines for the flags. */
export const INFERENCE_HELP =
  "    --mask-upsample MODE         how M+ is upsampled: align-corners (reference) or stride-grid\n" +
  "                                 [the model's setting]";

/** The checkpoint with the inference flags applied to its config. */
export function withInferenceFlags(c: Checkpoint, values: Record<string, unknown>): Checkpoint {
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
