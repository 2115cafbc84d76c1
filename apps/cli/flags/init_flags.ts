/**
 * `--init-backbone FILE [--init-naming NAME] [--allow-partial]` of `train`:
 * start a new run from imported backbone weights (the heads start fresh).
 *
 * @example
 * ```ts ignore
 * const init = await backboneInit(values, config);
 * const trainer = new Trainer({ config, train, valid, init });
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
