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
  backboneFromCheckpoint,
  CHECKPOINT_FORMAT,
  decodeCheckpoint,
  decodeWeightsFile,
  importWeights,
  isBackboneParameter,
  NAMING_SCHEMES,
  POINTWISE_NAMING,
} from "@pointwise/core/io";
import type { TrainerOptions } from "@pointwise/core";
import { str, UsageError } from "../args.ts";
import { readFileFor } from "../files.ts";
import { helpSection } from "../console/help.ts";
import { printReport } from "../console/weights_report.ts";
import { methodName } from "../console/scores_table.ts";

/** The flags. */
export const INIT_OPTIONS = {
  "init-backbone": { type: "string" },
  "init-naming": { type: "string" },
  "allow-partial": { type: "boolean" },
} as const;

/** The `starting weights:` section of `train --help`. */
export const INIT_HELP: string = helpSection("starting weights", [
  [
    "--init-backbone FILE",
    "start from these backbone weights (the heads start fresh): a Pointwise checkpoint of any " +
    "method (e.g. a wildcat run's best.safetensors; its optimiser state is ignored), or " +
    "imported safetensors or PyTorch .pth weights",
  ],
  [
    "--init-naming NAME",
    "imported weights' naming: torchvision, timm or reference [reference when the file has " +
    "min-max heads, else torchvision]",
  ],
  ["--allow-partial", "with --init-backbone: keep what matches, report the rest"],
]);

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
  const bytes = await readFileFor(from, "backbone weights");
  const file = decodeWeightsFile(bytes, from);
  if (file.metadata.format === CHECKPOINT_FORMAT) return checkpointInit(values, from, bytes);
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

/** A Pointwise run's checkpoint: our own names and layouts; heads and optimiser state left out. */
function checkpointInit(
  values: Record<string, unknown>,
  from: string,
  bytes: Uint8Array,
): TrainerOptions["init"] {
  const naming = str(values, "init-naming");
  if (naming !== undefined && naming !== POINTWISE_NAMING) {
    throw new UsageError(
      `${from} is a Pointwise checkpoint, in Pointwise's own naming: drop --init-naming ${naming}`,
    );
  }
  const source = decodeCheckpoint(bytes, from);
  return (net) => {
    const { values: weights, report } = backboneFromCheckpoint(source, net.store, {
      fileName: from,
      allowPartial: Boolean(values["allow-partial"]),
    });
    net.store.assignPartial(weights);
    printReport(
      from,
      POINTWISE_NAMING,
      report,
      ` into the backbone (from a ${methodName(source.config.method)} run)`,
    );
  };
}
