/**
 * The one typed training configuration. Every field has a description, a
 * group and a range, declared once in {@link CONFIG_FIELDS}; front ends (the
 * CLI's flags and `--help`) are generated from it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { CONFIG_FIELDS, PRESETS, withOverrides } from "./config.ts";
 * const cfg = withOverrides(PRESETS.cpu, { epochs: 3 });
 * assert.equal(cfg.epochs, 3);
 * assert.equal(CONFIG_FIELDS.epochs.group, "optimisation");
 * ```
 * @module
 */
import {
  type Arch,
  ARCHS,
  BACKBONE_GRADS,
  type BackboneGrad,
  type Method,
  METHODS,
  OUTPUT_STRIDES,
  UPSAMPLE_MODES,
  type UpsampleMode,
} from "./options.ts";

/** Every setting of a training run. */
export interface Config {
  /** The localization method: min-max entropy or a baseline. */
  method: Method;
  // Network
  arch: Arch;
  deepStem: boolean;
  width: number;
  modalities: number;
  kmax: number;
  dropout: number;
  maskW: number;
  maskSigma: number;
  classifierScale: number;
  maskUpsample: UpsampleMode;
  /** Backbone output stride: 32 (reference), or 16/8 with dilated 3x3 convolutions after it. */
  outputStride: number;
  // Min-max training (deliberate options; the reference values keep its behaviour)
  /** Epochs of L_seg alone (no X+/X- pass, no erasing) before the min-max terms. */
  localizerWarmup: number;
  /** Which classifier terms reach the shared backbone (the rest train cl32 only). */
  backboneGrad: BackboneGrad;
  // Optimisation
  epochs: number;
  batchSize: number;
  lr: number;
  momentum: number;
  weightDecay: number;
  lrStep: number;
  lrGamma: number;
  minLr: number;
  warmupSteps: number;
  // Recursive erasing
  eraseTimes: number;
  eraseStartEpoch: number;
  sigmaErase: number;
  // Data and augmentation
  crop: number;
  padFraction: number;
  hflip: number;
  vflip: number;
  brightness: number;
  contrast: number;
  saturation: number;
  hue: number;
  repeats: number;
  /** Scale applied to every image on load (training and evaluation data alike). */
  resize: number;
  seed: number;
}

/** Description of one config field, for validation, flags and help. */
export interface FieldSpec {
  type: "number" | "boolean" | "string";
  help: string;
  group: "network" | "min-max" | "optimisation" | "erasing" | "data";
  integer?: boolean;
  min?: number;
  max?: number;
  /** The allowed values (strings, or numbers for a numeric field). */
  choices?: readonly (string | number)[];
}

// The literal types of the groups give NetworkField; users see the wide FieldSpec.
const FIELDS = {
  method: {
    type: "string",
    group: "network",
    help: "minmax (the method), or a baseline: wildcat, cam, gradcam, deepmil",
    choices: METHODS,
  },
  arch: { type: "string", group: "network", help: "backbone", choices: ARCHS },
  deepStem: {
    type: "boolean",
    group: "network",
    help: "three 3x3 stem convs (reference) instead of one 7x7",
  },
  width: {
    type: "number",
    group: "network",
    help: "channel multiplier of the backbone",
    min: 0.01,
    max: 4,
  },
  modalities: {
    type: "number",
    group: "network",
    help: "WILDCAT modalities per class",
    integer: true,
    min: 1,
    max: 64,
  },
  kmax: {
    type: "number",
    group: "network",
    help: "top-k of WILDCAT pooling (a fraction <1, 1 for every cell, or a count >1)",
    min: 1e-6,
  },
  dropout: {
    type: "number",
    group: "network",
    help: "WILDCAT dropout after top-k selection",
    min: 0,
    max: 0.99,
  },
  maskW: {
    type: "number",
    group: "network",
    help: "steepness w of the pseudo-binary mask",
    min: 0,
  },
  maskSigma: {
    type: "number",
    group: "network",
    help: "threshold sigma of the pseudo-binary mask",
    min: 0,
    max: 1,
  },
  classifierScale: {
    type: "number",
    group: "network",
    help: "input scale of the classifier pass",
    min: 0.05,
    max: 1,
  },
  maskUpsample: {
    type: "string",
    group: "network",
    help: "M+ upsampling: align-corners (reference) or stride-grid (cells on their pixels)",
    choices: UPSAMPLE_MODES,
  },
  outputStride: {
    type: "number",
    group: "network",
    help: "backbone output stride: 32 (reference), 16 or 8 (layer4, or layer3 and layer4, " +
      "without their stride and with dilated 3x3 convolutions)",
    choices: OUTPUT_STRIDES,
  },
  localizerWarmup: {
    type: "number",
    group: "min-max",
    help: "epochs of L_seg alone before X+/X- and erasing start (0: none, as the reference)",
    integer: true,
    min: 0,
  },
  backboneGrad: {
    type: "string",
    group: "min-max",
    help: "classifier terms that train the shared backbone: pos-neg (reference), pos " +
      "(L_neg stops at the backbone's features), none (both train the classifier head only), " +
      "isolated (as none, and the classifier passes leave BatchNorm's running statistics alone)",
    choices: BACKBONE_GRADS,
  },
  epochs: {
    type: "number",
    group: "optimisation",
    help: "training epochs",
    integer: true,
    min: 1,
    max: 100_000,
  },
  batchSize: {
    type: "number",
    group: "optimisation",
    help: "images per step",
    integer: true,
    min: 2,
    max: 4096,
  },
  lr: { type: "number", group: "optimisation", help: "initial learning rate", min: 0 },
  momentum: {
    type: "number",
    group: "optimisation",
    help: "Nesterov momentum of SGD",
    min: 0,
    max: 0.999,
  },
  weightDecay: {
    type: "number",
    group: "optimisation",
    help: "L2 weight decay on all parameters",
    min: 0,
  },
  lrStep: {
    type: "number",
    group: "optimisation",
    help: "epochs between learning-rate drops",
    integer: true,
    min: 1,
    max: 100_000,
  },
  lrGamma: {
    type: "number",
    group: "optimisation",
    help: "learning-rate drop factor",
    min: 0,
    max: 1,
  },
  minLr: { type: "number", group: "optimisation", help: "learning-rate floor", min: 0 },
  warmupSteps: {
    type: "number",
    group: "optimisation",
    help: "linear learning-rate warm-up steps (0: none, as the reference)",
    integer: true,
    min: 0,
    max: 100_000_000,
  },
  eraseTimes: {
    type: "number",
    group: "erasing",
    help: "localizer passes u of recursive erasing (0: off)",
    integer: true,
    min: 0,
    max: 16,
  },
  eraseStartEpoch: {
    type: "number",
    group: "erasing",
    help: "first epoch that erases",
    integer: true,
    min: 0,
    max: 100_000,
  },
  sigmaErase: {
    type: "number",
    group: "erasing",
    help: "decay of the erasing trust over passes",
    min: 1e-6,
  },
  crop: {
    type: "number",
    group: "data",
    help: "side of the square random training crop",
    integer: true,
    min: 32,
    max: 2048,
  },
  padFraction: {
    type: "number",
    group: "data",
    help: "reflect padding per side before cropping, as a fraction of the size",
    min: 0,
    max: 1,
  },
  hflip: { type: "number", group: "data", help: "horizontal flip probability", min: 0, max: 1 },
  vflip: { type: "number", group: "data", help: "vertical flip probability", min: 0, max: 1 },
  brightness: { type: "number", group: "data", help: "colour jitter: brightness", min: 0 },
  contrast: { type: "number", group: "data", help: "colour jitter: contrast", min: 0 },
  saturation: { type: "number", group: "data", help: "colour jitter: saturation", min: 0 },
  hue: {
    type: "number",
    group: "data",
    help: "colour jitter: hue (at most 0.5)",
    min: 0,
    max: 0.5,
  },
  repeats: {
    type: "number",
    group: "data",
    help: "random crops of each training image per epoch",
    integer: true,
    min: 1,
    max: 1000,
  },
  resize: {
    type: "number",
    group: "data",
    help: "scale of every image on load, training and evaluation alike (1: none)",
    min: 0.05,
    max: 4,
  },
  seed: {
    type: "number",
    group: "data",
    help: "seed of every random choice",
    integer: true,
    min: 0,
    max: 4_294_967_295,
  },
} as const satisfies { readonly [K in keyof Config]: FieldSpec };

/** Every field's spec, in display order. */
export const CONFIG_FIELDS: { readonly [K in keyof Config]: FieldSpec } = FIELDS;

/** The settings that fix a network's shape and forward computation (the `network` group). */
export type NetworkField = {
  [K in keyof Config]: typeof FIELDS[K]["group"] extends "network" ? K : never;
}[keyof Config];

/** A config's network settings. */
export type NetworkSettings = Pick<Config, NetworkField>;

/**
 * The network settings of a config.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { networkSettings, PRESETS } from "./config.ts";
 * assert.equal(networkSettings(PRESETS.cpu).arch, "resnet18");
 * assert.equal("epochs" in networkSettings(PRESETS.cpu), false);
 * ```
 */
export function networkSettings(cfg: Config): NetworkSettings {
  const out: Record<string, unknown> = {};
  for (const [key, spec] of Object.entries(CONFIG_FIELDS)) {
    if (spec.group === "network") out[key] = cfg[key as keyof Config];
  }
  return out as NetworkSettings;
}

/**
 * The paper's GlaS settings (the reference's `glas-erase-4.yaml`): deep-stem
 * ResNet-101, 480 crops, 400 epochs of SGD at 1e-3, four erasing passes.
 * The reference starts from ImageNet weights, which cannot be downloaded
 * here; from scratch this preset needs a GPU and far more steps.
 */
const REFERENCE: Config = {
  method: "minmax",
  arch: "resnet101",
  deepStem: true,
  width: 1,
  modalities: 5,
  kmax: 0.09,
  dropout: 0.75,
  maskW: 8,
  maskSigma: 0.5,
  classifierScale: 0.5,
  maskUpsample: "align-corners",
  outputStride: 32,
  localizerWarmup: 0,
  backboneGrad: "pos-neg",
  epochs: 400,
  batchSize: 8,
  lr: 1e-3,
  momentum: 0.9,
  weightDecay: 1e-5,
  lrStep: 40,
  lrGamma: 0.1,
  minLr: 1e-7,
  warmupSteps: 0,
  eraseTimes: 4,
  eraseStartEpoch: 1,
  sigmaErase: 10,
  crop: 480,
  padFraction: 0.5,
  hflip: 0.5,
  vflip: 0.5,
  brightness: 0.5,
  contrast: 0.5,
  saturation: 0.5,
  hue: 0.05,
  repeats: 1,
  resize: 1,
  seed: 0,
};

/**
 * Sized to train in minutes on two CPU cores with WASM-SIMD: a quarter-width
 * ResNet-18 at output stride 16 (8x8 maps on the 128 crops, where stride 32
 * gives 4x4 blobs: the lever that moved every score most in the recipe
 * study), a larger learning rate with warm-up, little WILDCAT dropout (on
 * small maps k is tiny, and dropout after selection then makes the scores
 * very noisy), and the reference's min-max terms and erasing.
 */
const CPU: Config = {
  ...REFERENCE,
  arch: "resnet18",
  deepStem: false,
  width: 0.25,
  outputStride: 16,
  dropout: 0.1,
  epochs: 12,
  batchSize: 16,
  lr: 0.01,
  weightDecay: 1e-4,
  lrStep: 8,
  warmupSteps: 30,
  eraseTimes: 2,
  crop: 128,
  padFraction: 0.25,
  repeats: 1,
};

/**
 * GlaS on two CPU cores, about 11 minutes per min-max run (`deno task
 * bench:glas`, measured; the baselines take about 5): the `cpu` preset (its
 * network and min-max recipe) on images scaled by 0.5 (a 192 crop then
 * covers a third of a 775x522 image: 12x12 maps at output stride 16), four
 * crops per image per epoch, the reference's augmentation, and SGD at 0.05
 * with a warm-up (from scratch, 0.01 had barely moved after 100 steps).
 */
const GLAS_CPU: Config = {
  ...CPU,
  resize: 0.5,
  crop: 192,
  padFraction: 0.5,
  batchSize: 16,
  repeats: 4,
  epochs: 40,
  lr: 0.05,
  warmupSteps: 50,
  lrStep: 30,
};

/** Named presets. */
export const PRESETS = { reference: REFERENCE, cpu: CPU, "glas-cpu": GLAS_CPU } as const;
/** A preset name. */
export type PresetName = keyof typeof PRESETS;

/** One invalid setting: its field and what is wrong with its value. */
export interface ConfigProblem {
  /** The field of {@link Config} (or the unknown name given). */
  field: string;
  /** What is wrong, e.g. `must be >= 1, got 0`. */
  problem: string;
}

/**
 * Settings that are missing, unknown or out of range. `source` names where
 * they were read from (a checkpoint or weights file) when they did not come
 * from the caller; callers map `problems[].field` to their own names (the
 * CLI to its flags).
 */
export class ConfigError extends Error {
  override name = "ConfigError";

  /**
   * @param problems every invalid field.
   * @param source the file the settings came from, if any.
   * @param part the part of that file that holds them.
   */
  constructor(
    readonly problems: ConfigProblem[],
    readonly source?: string,
    part = "checkpoint",
  ) {
    const list = problems.map((p) => `setting '${p.field}' ${p.problem}`).join("; ");
    super(
      source === undefined
        ? `invalid settings: ${list}`
        : `${source}: invalid config in ${part}: ${list}`,
    );
  }
}

/**
 * The problems of a config (empty when valid). With `complete`, every field
 * must be present (a checkpoint's config must be).
 *
 * @param cfg a config, or part of one.
 * @param complete require every field.
 * @returns one problem per invalid field, naming the field.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { PRESETS, validateConfig } from "./config.ts";
 * assert.deepEqual(validateConfig({ ...PRESETS.cpu, epochs: 0 }), [
 *   { field: "epochs", problem: "must be >= 1, got 0" },
 * ]);
 * ```
 */
export function validateConfig(cfg: Partial<Config>, complete = false): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const add = (field: string, problem: string) => problems.push({ field, problem });
  if (cfg === null || typeof cfg !== "object") {
    return [{ field: "config", problem: "is not an object" }];
  }
  if (complete) {
    for (const key of Object.keys(CONFIG_FIELDS)) if (!(key in cfg)) add(key, "is missing");
  }
  for (const [key, value] of Object.entries(cfg)) {
    const spec = CONFIG_FIELDS[key as keyof Config];
    if (spec === undefined) {
      add(key, "is not a setting");
      continue;
    }
    if (spec.type === "boolean") {
      if (typeof value !== "boolean") add(key, "must be true or false");
    } else if (spec.type === "string") {
      if (spec.choices && !spec.choices.includes(value as string)) {
        add(key, `must be one of ${spec.choices.join(", ")}, got '${value}'`);
      }
    } else if (spec.choices) {
      if (!spec.choices.includes(value as number)) {
        add(key, `must be one of ${spec.choices.join(", ")}, got ${value}`);
      }
    } else {
      const v = value as number;
      if (typeof v !== "number" || !Number.isFinite(v)) add(key, "must be a number");
      else if (spec.integer && !Number.isInteger(v)) add(key, `must be an integer, got ${v}`);
      else if (spec.min !== undefined && v < spec.min) add(key, `must be >= ${spec.min}, got ${v}`);
      else if (spec.max !== undefined && v > spec.max) add(key, `must be <= ${spec.max}, got ${v}`);
    }
  }
  return problems;
}

/**
 * Settings added after checkpoints were first written, with the value that
 * reproduces what those checkpoints were trained with (the reference's).
 */
export const LATER_FIELDS: Partial<Config> = {
  method: "minmax",
  outputStride: 32,
  localizerWarmup: 0,
  backboneGrad: "pos-neg",
  resize: 1,
};

/**
 * A stored config (from a checkpoint or a model's metadata) with the settings
 * it predates filled in by {@link LATER_FIELDS}; anything else is left for
 * {@link validateConfig} to judge.
 */
export function withLaterFields(stored: unknown): unknown {
  if (stored === null || typeof stored !== "object" || Array.isArray(stored)) return stored;
  const out: Record<string, unknown> = { ...stored };
  for (const [key, value] of Object.entries(LATER_FIELDS)) if (!(key in out)) out[key] = value;
  return out;
}

/**
 * A copy of `base` with `overrides` applied.
 *
 * @param base a complete config, such as a preset.
 * @param overrides the fields to change.
 * @returns the new config.
 * @throws {ConfigError} listing every invalid field.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ConfigError, PRESETS, withOverrides } from "./config.ts";
 * assert.equal(withOverrides(PRESETS.cpu, { epochs: 3 }).epochs, 3);
 * assert.throws(() => withOverrides(PRESETS.cpu, { lr: -1 }), ConfigError);
 * ```
 */
export function withOverrides(base: Config, overrides: Partial<Config>): Config {
  const cfg = { ...base, ...overrides };
  const problems = validateConfig(cfg);
  if (problems.length > 0) throw new ConfigError(problems);
  return cfg;
}
