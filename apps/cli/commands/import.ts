/**
 * `pointwise import`: turns a full reference checkpoint (the authors'
 * PyTorch model, saved as safetensors) into a Pointwise checkpoint that
 * `predict`, `eval` and `export` accept. The architecture is read off the
 * tensors; class names and modalities come from flags, or from the metadata
 * of files that Pointwise exported.
 *
 * @example
 * ```sh
 * deno run -A apps/cli/main.ts import --from glas.safetensors --classes benign,malignant --out runs/imported
 * ```
 * @module
 */
import { join } from "node:path";
import { buildMinMaxNet } from "@pointwise/core/model";
import {
  type Config,
  ConfigError,
  NORMALIZATION,
  PRESETS,
  validateConfig,
  withOverrides,
} from "@pointwise/core/lite";
import {
  decodeWeightsFile,
  importWeights,
  inferArchitecture,
  NAMING_SCHEMES,
  REFERENCE_WEIGHTS_FORMAT,
} from "@pointwise/core/io";
import { encodeCheckpoint } from "@pointwise/core/io";
import { Rng } from "@pointwise/core";
import { COMMON_OPTIONS, int, parseCommand, str, UsageError } from "../args.ts";
import { readFileFor, writeFileAtomic } from "../files.ts";
import { CHECKPOINTS } from "../run_folder.ts";
import { printReport } from "../console/weights_report.ts";

const OPTIONS = {
  ...COMMON_OPTIONS,
  from: { type: "string" },
  out: { type: "string" },
  naming: { type: "string" },
  classes: { type: "string" },
  modalities: { type: "string" },
  "allow-partial": { type: "boolean" },
} as const;

/** Help text of the command. */
export function importHelp(): string {
  return `Turn a full reference checkpoint (safetensors or PyTorch .pth) into a Pointwise model folder.

usage: pointwise import --from FILE --out DIR [--classes a,b] [--modalities M] [--allow-partial]

  --from FILE          safetensors or PyTorch .pth/.pt state_dict of the authors' model (conv1..3, bn1..3,
                       layer1..4, headseg.*, cl32.*, w, sigma), or a Pointwise export
  --out DIR            folder to write best.safetensors into
  --naming NAME        tensor naming [reference]; backbone-only files (torchvision, timm)
                       are used with: pointwise train --init-backbone FILE
  --classes a,b        class names in label order [from the file's metadata, else class0..]
  --modalities M       WILDCAT modalities per class [5, or the file's]
  --allow-partial      keep what matches and report the rest (otherwise any mismatch fails)

The architecture (depth, stem, width) is read off the tensors; the other settings are the
reference preset's.`;
}

/** Runs the command; returns the exit code. */
export async function importCommand(argv: string[]): Promise<number> {
  const { values } = parseCommand(argv, OPTIONS);
  if (values.help) {
    console.log(importHelp());
    return 0;
  }
  const from = str(values, "from");
  const out = str(values, "out");
  if (from === undefined || out === undefined) {
    throw new UsageError("--from and --out are required");
  }
  const naming = str(values, "naming", "reference")!;
  if (naming !== "reference") {
    if (naming in NAMING_SCHEMES) {
      throw new UsageError(
        `${naming} files hold a backbone only: use pointwise train --init-backbone ${from} --init-naming ${naming}`,
      );
    }
    throw new UsageError(`--naming must be one of ${Object.keys(NAMING_SCHEMES).join(", ")}`);
  }
  const file = decodeWeightsFile(await readFileFor(from, "weights"), from);

  let config: Config;
  let classes: string[];
  if (file.metadata.format === REFERENCE_WEIGHTS_FORMAT && file.metadata.config) {
    config = JSON.parse(file.metadata.config) as Config;
    const problems = validateConfig(config, true);
    if (problems.length > 0) {
      throw new ConfigError(problems, from, "metadata");
    }
    classes = JSON.parse(file.metadata.classes) as string[];
  } else {
    const arch = inferArchitecture(file.tensors, from);
    if (arch.headChannels === undefined) {
      throw new Error(
        `${from} has no headseg.to_modalities.weight: it holds no min-max heads (for a backbone, use train --init-backbone)`,
      );
    }
    const modalities = int(values, "modalities", 5, 1);
    if (arch.headChannels % modalities !== 0) {
      throw new UsageError(
        `the heads have ${arch.headChannels} channels, not a multiple of --modalities ${modalities}`,
      );
    }
    const count = arch.headChannels / modalities;
    classes = Array.from({ length: count }, (_, i) => `class${i}`);
    config = withOverrides(PRESETS.reference, {
      arch: arch.arch,
      deepStem: arch.deepStem,
      width: arch.width,
      modalities,
    });
  }
  const names = str(values, "classes");
  if (names !== undefined) {
    const list = names.split(",").map((c) => c.trim());
    if (list.length !== classes.length || list.some((c) => c === "")) {
      throw new UsageError(
        `--classes needs ${classes.length} comma-separated names, got '${names}'`,
      );
    }
    classes = list;
  }
  const net = buildMinMaxNet(config, classes, new Rng(0));
  try {
    const { values: weights, settings, report } = importWeights(
      file,
      NAMING_SCHEMES.reference,
      net.store,
      {
        fileName: from,
        allowPartial: Boolean(values["allow-partial"]),
      },
    );
    config = withOverrides(config, settings);
    net.store.assignPartial(weights);
    printReport(from, "reference", report);
    const path = join(out, CHECKPOINTS.best);
    const checkpoint = {
      config,
      classes,
      weights: await net.store.read(),
      normalization: NORMALIZATION,
    };
    await writeFileAtomic(path, encodeCheckpoint(checkpoint));
    console.log(
      `wrote ${path}: ${config.arch}${config.deepStem ? " (deep stem)" : ""} x${config.width}, ` +
        `classes ${classes.join(", ")}, w ${config.maskW}, sigma ${config.maskSigma}`,
    );
  } finally {
    net.dispose();
  }
  return 0;
}
