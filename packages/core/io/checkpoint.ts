/**
 * Checkpoints are safetensors files: model weights under their reference
 * names, SGD momentum buffers under `optimizer.momentum.<name>`, and in the
 * metadata the config, the class names, the input normalisation and, for
 * training checkpoints, the epoch, RNG state, model-selection state and
 * history needed to resume exactly. Other tools can read the weights as is.
 *
 * @example
 * ```ts ignore
 * const bytes = encodeCheckpoint({ config, classes, weights });
 * const back = decodeCheckpoint(bytes, "best.safetensors");
 * ```
 * @module
 */
import { type Config, ConfigError, validateConfig, withLaterFields } from "../config/config.ts";
import type { NamedArray } from "../util/named_array.ts";
import { NORMALIZATION, type Normalization } from "../data/normalize.ts";
import { decodeSafetensors, encodeSafetensors } from "./safetensors.ts";

/** The safetensors metadata `format` of a Pointwise checkpoint. */
export const CHECKPOINT_FORMAT = "pointwise-checkpoint";
const FORMAT = CHECKPOINT_FORMAT;
const VERSION = "1";
const MOMENTUM = "optimizer.momentum.";

/** Everything needed to continue training exactly where it stopped. */
export interface TrainState {
  /** Epochs completed. */
  epoch: number;
  /** Optimiser steps taken. */
  globalStep: number;
  rng: number[];
  bestEpoch: number;
  bestError: number;
  /** One record per completed epoch (free-form, reported by the CLI). */
  history: unknown[];
}

/** What a checkpoint holds. */
export interface Checkpoint {
  config: Config;
  classes: string[];
  weights: Map<string, NamedArray>;
  normalization?: Normalization;
  optimizer?: Map<string, NamedArray>;
  train?: TrainState;
}

/** Serialises a checkpoint to safetensors bytes. */
export function encodeCheckpoint(c: Checkpoint): Uint8Array {
  const tensors = new Map(c.weights);
  for (const [name, t] of c.optimizer ?? []) tensors.set(MOMENTUM + name, t);
  const metadata: Record<string, string> = {
    format: FORMAT,
    version: VERSION,
    config: JSON.stringify(c.config),
    classes: JSON.stringify(c.classes),
    normalization: JSON.stringify(c.normalization ?? NORMALIZATION),
  };
  if (c.train) metadata.train = JSON.stringify(c.train);
  return encodeSafetensors(tensors, metadata);
}

function parseJson<T>(text: string | undefined, what: string, name: string): T {
  if (text === undefined) throw new Error(`${name}: the checkpoint has no ${what}`);
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new Error(`${name}: the checkpoint's ${what} is not valid JSON`);
  }
}

/** Reads a checkpoint; `name` (the file) goes into every error. */
export function decodeCheckpoint(bytes: Uint8Array, name: string): Checkpoint {
  const { tensors, metadata } = decodeSafetensors(bytes, name);
  if (metadata.format !== FORMAT) {
    throw new Error(
      `${name}: not a Pointwise checkpoint (safetensors metadata has no format '${FORMAT}')`,
    );
  }
  if (metadata.version !== VERSION) {
    throw new Error(
      `${name}: checkpoint version ${metadata.version} is not supported (expected ${VERSION})`,
    );
  }
  // Checkpoints written before a setting existed were trained as the reference (and
  // before baselines existed, as min-max models).
  const config = withLaterFields(parseJson<Config>(metadata.config, "config", name)) as Config;
  const problems = validateConfig(config, true);
  if (problems.length > 0) {
    throw new ConfigError(problems, name);
  }
  const classes = parseJson<string[]>(metadata.classes, "class list", name);
  if (
    !Array.isArray(classes) || classes.length < 2 || !classes.every((c) => typeof c === "string")
  ) {
    throw new Error(`${name}: the checkpoint's class list is invalid`);
  }
  const weights = new Map<string, NamedArray>();
  const optimizer = new Map<string, NamedArray>();
  for (const [key, t] of tensors) {
    if (key.startsWith(MOMENTUM)) optimizer.set(key.slice(MOMENTUM.length), t);
    else weights.set(key, t);
  }
  return {
    config,
    classes,
    weights,
    normalization: parseJson<Normalization>(metadata.normalization, "normalization", name),
    optimizer: optimizer.size > 0 ? optimizer : undefined,
    train: metadata.train
      ? parseJson<TrainState>(metadata.train, "training state", name)
      : undefined,
  };
}
