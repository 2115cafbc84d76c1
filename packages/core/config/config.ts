/**
 * The one typed training configuration. Every field has a description, a
 * group and a range, declared once in {@link CONFIG_FIELDS}; front ends (the
 * CLI's flags and `--help`) are generated from it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { CONFIG_FIELDS } from "./config.ts";
 * assert.equal(CONFIG_FIELDS.epochs.group, "optimisation");
 * assert.equal(CONFIG_FIELDS.arch.type, "string");
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
 * import { networkSettings } from "./config.ts";
 * import { PRESETS } from "./presets.ts";
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
