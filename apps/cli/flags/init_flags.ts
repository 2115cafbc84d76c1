/**
 * `--init-backbone FILE [--init-naming NAME] [--allow-partial]` of `train`:
 * start a new run from imported backbone weights (the heads start fresh).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { PRESETS } from "@pointwise/core/lite";
 * import { UsageError } from "../args.ts";
 * import { backboneInit } from "./init_flags.ts";
 * // Without --init-backbone, the network starts from its own initialisation.
 * assert.equal(await backboneInit({}, PRESETS.cpu), undefined);
 * await assert.rejects(backboneInit({ "init-naming": "timm" }, PRESETS.cpu), UsageError);
 * await assert.rejects(backboneInit({ "init-backbone": "nope.safetensors" }, PRESETS.cpu), /nope\.safetensors/);
 * ```
 * @module
 */
import type { Config } from "@pointwise/core/lite";
import {
  decodeWeightsFile,
  importWeights,
  isBackboneParameter,
  NAMING_SCHEMES,
} from "@pointwise/core/io";
import type { TrainerOptions } from "@pointwise/core";
import { str, UsageError } from "../args.ts";
import { readFileFor } from "../files.ts";
import { printReport } from "../console/weights_report.ts";

/** The flags. */
export const INIT_OPTIONS = {
  "init-backbone": { type: "string" },
  "init-naming": { type: "string" },
  "allow-partial": { type: "boolean" },
} as const;

/** Help lines for the flags. */
export const INIT_HELP =
  `  --init-backbone FILE         start from these backbone weights (safetensors or .pth; heads start fresh)
  --init-naming NAME           their naming: torchvision, timm or reference [reference when the file
                               has min-max heads, else torchvision]
  --allow-partial              with --init-backbone: keep what matches, report the rest`;

/**
 * The `--init-backbone` hook: reads the file now (so a bad file fails before
 * training starts) and imports it into the fresh network when called.
 *
 * @param values parsed flags.
 * @param config the run's config, for the report.
 * @returns the `init` hook of the `Trainer`, or undefined without `--init-backbone`.
 * @throws {UsageError} for flags that do not go together or an unknown naming.
 */
export async function backboneInit(
  values: Record<string, unknown>,
  config: Config,
): Promise<TrainerOptions["init"]> {
  const from = str(values, "init-backbone");
  if (from === undefined) {
    if (values["init-naming"] !== undefined) {
      throw new UsageError("--init-naming goes with --init-backbone");
    }
    return undefined;
  }
  if (values.resume !== undefined) {
    throw new UsageError("--init-backbone starts a new run; it cannot go with --resume");
  }
  const file = decodeWeightsFile(await readFileFor(from, "backbone weights"), from);
  const hasHeads = file.tensors.has("headseg.to_modalities.weight");
  const naming = str(values, "init-naming", hasHeads ? "reference" : "torchvision")!;
  const scheme = NAMING_SCHEMES[naming];
  if (scheme === undefined) {
    throw new UsageError(`--init-naming must be one of ${Object.keys(NAMING_SCHEMES).join(", ")}`);
  }
  return (net) => {
    const { values: weights, report } = importWeights(file, scheme, net.store, {
      fileName: from,
      scope: isBackboneParameter,
      allowPartial: Boolean(values["allow-partial"]),
    });
    net.store.assignPartial(weights);
    const stem = config.deepStem ? " (deep stem)" : "";
    printReport(
      from,
      scheme.name,
      report,
      ` into the backbone of ${config.arch}${stem} x${config.width}`,
    );
  };
}
