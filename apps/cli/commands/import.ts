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
  withLaterFields,
  withOverrides,
} from "@pointwise/core/lite";
import {
  CHECKPOINT_FORMAT,
  decodeWeightsFile,
  importWeights,
  inferArchitecture,
  NAMING_SCHEMES,
  REFERENCE_WEIGHTS_FORMAT,
  type SafetensorsFile,
} from "@pointwise/core/io";
import { encodeCheckpoint } from "@pointwise/core/io";
import { Rng } from "@pointwise/core";
import { COMMON_OPTIONS, int, parseCommand, str, UsageError } from "../args.ts";
import { readFileFor, writeGroupAtomic } from "../files.ts";
import { FORCE_HELP, FORCE_OPTIONS, refuseOverwrite } from "../flags/force_flags.ts";
import { helpParagraph, helpSection } from "../console/help.ts";
import { commandLine } from "../program.ts";
import { CHECKPOINTS } from "../run_folder.ts";
import { printReport } from "../console/weights_report.ts";

const OPTIONS = {
  ...COMMON_OPTIONS,
  ...FORCE_OPTIONS,
  from: { type: "string" },
  out: { type: "string" },
  naming: { type: "string" },
  classes: { type: "string" },
  modalities: { type: "string" },
  "allow-partial": { type: "boolean" },
} as const;

/** Help text of the command. */
export function importHelp(): string {
  const input = helpSection("input", [
    [
      "--from FILE",
      "safetensors or PyTorch .pth/.pt state_dict of the authors' model (conv1..3, bn1..3, " +
      "layer1..4, headseg.*, cl32.*, w, sigma), or a Pointwise export",
    ],
    [
      "--naming NAME",
      "tensor naming [reference]; backbone-only files (torchvision, timm) start a run with " +
      `${commandLine("train")} --init-backbone FILE`,
    ],
    ["--classes a,b", "class names in label order [from the file's metadata, else class0..]"],
    ["--modalities M", "WILDCAT modalities per class [5, or the file's]"],
    ["--allow-partial", "keep what matches and report the rest (otherwise any mismatch fails)"],
  ]);
  const output = helpSection("output", [["--out DIR", "folder to write best.safetensors into"]]);
  return `Turn a full reference checkpoint (safetensors or PyTorch .pth) into a Pointwise model.

usage: ${commandLine("import")} --from FILE --out DIR [options]

${input}
${output}
${FORCE_HELP}

${
    helpParagraph(
      "The architecture (depth, stem, width) is read off the tensors; the other settings are " +
        "the reference preset's.",
    )
  }`;
}

/** A JSON entry of the file's metadata; the error names the file and the entry. */
function metadataJson<T>(metadata: Record<string, string>, key: string, from: string): T {
  const text = metadata[key];
  if (text === undefined) throw new Error(`${from}: the metadata has no ${key}`);
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new Error(`${from}: the metadata's ${key} is not valid JSON`);
  }
}

/** The file's settings and classes: from its metadata, or inferred from its tensors. */
function describedModel(
  file: SafetensorsFile,
  from: string,
  values: Record<string, unknown>,
): { config: Config; classes: string[] } {
  if (file.metadata.format === REFERENCE_WEIGHTS_FORMAT && file.metadata.config) {
    const config = withLaterFields(metadataJson<Config>(file.metadata, "config", from)) as Config;
    const problems = validateConfig(config, true);
    if (problems.length > 0) {
      throw new ConfigError(problems, from, "metadata");
    }
    const classes = metadataJson<string[]>(file.metadata, "classes", from);
    if (
      !Array.isArray(classes) || classes.length < 2 || !classes.every((c) => typeof c === "string")
    ) {
      throw new Error(`${from}: the metadata's classes must be a list of two or more names`);
    }
    return { config, classes };
  }
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
  const classes = Array.from({ length: count }, (_, i) => `class${i}`);
  const config = withOverrides(PRESETS.reference, {
    arch: arch.arch,
    deepStem: arch.deepStem,
    width: arch.width,
    modalities,
  });
  return { config, classes };
}

/** `--classes`, checked against the model's class count, or the classes as they are. */
function renamedClasses(values: Record<string, unknown>, classes: string[]): string[] {
  const names = str(values, "classes");
  if (names !== undefined) {
    const list = names.split(",").map((c) => c.trim());
    if (list.length !== classes.length || list.some((c) => c === "")) {
      throw new UsageError(
        `--classes needs ${classes.length} comma-separated names, got '${names}'`,
      );
    }
    return list;
  }
  return classes;
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
        `${naming} files hold a backbone only: use ${
          commandLine("train")
        } --init-backbone ${from} --init-naming ${naming}`,
      );
    }
    throw new UsageError(`--naming must be one of ${Object.keys(NAMING_SCHEMES).join(", ")}`);
  }
  const force = Boolean(values.force);
  const path = join(out, CHECKPOINTS.best);
  await refuseOverwrite(values, [path], "--out");
  const file = decodeWeightsFile(await readFileFor(from, "weights"), from);
  if (file.metadata.format === CHECKPOINT_FORMAT) {
    throw new Error(
      `${from}: already a Pointwise model (a checkpoint): give it as --model to predict, eval ` +
        "or export as it is",
    );
  }

  let { config, classes } = describedModel(file, from, values);
  classes = renamedClasses(values, classes);
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
    const checkpoint = {
      config,
      classes,
      weights: await net.store.read(),
      normalization: NORMALIZATION,
    };
    await writeGroupAtomic([{ path, data: encodeCheckpoint(checkpoint) }], { force });
    console.log(
      `wrote ${path}: ${config.arch}${config.deepStem ? " (deep stem)" : ""} x${config.width}, ` +
        `classes ${classes.join(", ")}, w ${config.maskW}, sigma ${config.maskSigma}`,
    );
  } finally {
    net.dispose();
  }
  return 0;
}
