/**
 * Checkpoints are safetensors files: model weights under their reference
 * names, SGD momentum buffers under `optimizer.momentum.<name>`, and in the
 * metadata the config, the class names, the input normalisation and, for
 * training checkpoints, the epoch, RNG state, model-selection state and
 * history needed to resume exactly. Other tools can read the weights as is.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { PRESETS } from "../config/presets.ts";
 * import { decodeCheckpoint, encodeCheckpoint } from "./checkpoint.ts";
 * const weights = new Map([["conv1.weight", { shape: [1, 1, 3, 2], data: new Float32Array(6) }]]);
 * const bytes = encodeCheckpoint({ config: PRESETS.cpu, classes: ["benign", "malignant"], weights });
 * const back = decodeCheckpoint(bytes, "best.safetensors");
 * assert.deepEqual(back.classes, ["benign", "malignant"]);
 * assert.deepEqual(back.weights.get("conv1.weight")?.shape, [1, 1, 3, 2]);
 * assert.throws(() => decodeCheckpoint(bytes.slice(0, 20), "cut.safetensors"), /cut\.safetensors/);
 * ```
 * @module
 */
import type { Config } from "../config/config.ts";
import { ConfigError, validateConfig, withLaterFields } from "../config/validate_config.ts";
import type { NamedArray } from "../util/named_array.ts";
import { NORMALIZATION, type Normalization, normalizationProblem } from "../data/normalize.ts";
import type { MetricsSummary } from "../metrics/localization_metrics.ts";
import { decodeSafetensors, encodeSafetensors } from "./safetensors.ts";
import { sniffFileType } from "./file_type.ts";
import { ModelFormatError } from "./model_errors.ts";

/** The safetensors metadata `format` of a Pointwise checkpoint. */
export const CHECKPOINT_FORMAT = "pointwise-checkpoint";
const FORMAT = CHECKPOINT_FORMAT;
const VERSION = "1";
const MOMENTUM = "optimizer.momentum.";

/** Mean losses of an epoch (a baseline has only `seg`, its cross-entropy, and `total`). */
export interface LossSummary {
  seg: number;
  pos: number;
  neg: number;
  total: number;
}

/** One completed epoch of a run's history. */
export interface EpochRecord {
  /** The epoch, from 0. */
  epoch: number;
  lr: number;
  seconds: number;
  train: LossSummary;
  valid: MetricsSummary;
  /** Its weights had the lowest validation error so far (they are best.safetensors). */
  best: boolean;
}

/** Everything needed to continue training exactly where it stopped. */
export interface TrainState {
  /** Epochs completed. */
  epoch: number;
  /** Optimiser steps taken. */
  globalStep: number;
  rng: number[];
  bestEpoch: number;
  bestError: number;
  /** One record per completed epoch. */
  history: EpochRecord[];
}

/** What a checkpoint holds. */
export interface Checkpoint {
  config: Config;
  classes: string[];
  weights: Map<string, NamedArray>;
  normalization?: Normalization;
  optimizer?: Map<string, NamedArray>;
  train?: TrainState;
  /** The file it was read from, named in later errors (set by {@link decodeCheckpoint}). */
  source?: string;
}

/**
 * Serialises a checkpoint to safetensors bytes.
 *
 * @param c the config, classes, weights and, for training checkpoints, the state.
 * @returns the safetensors bytes.
 */
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

/** Why a checkpoint's training state cannot be resumed from, or null when it can. */
function trainStateProblem(t: Partial<TrainState> | null): string | null {
  if (t === null || typeof t !== "object") return "it is not an object";
  const count = (v: unknown, min: number) => Number.isInteger(v) && (v as number) >= min;
  if (!count(t.epoch, 0)) return "epoch must be a whole number";
  if (!count(t.globalStep, 0)) return "globalStep must be a whole number";
  if (!count(t.bestEpoch, -1)) return "bestEpoch must be a whole number";
  if (!(t.bestError === null || typeof t.bestError === "number")) {
    return "bestError must be a number";
  }
  if (!Array.isArray(t.rng) || t.rng.length !== 4 || !t.rng.every((v) => count(v, 0))) {
    return "rng must be four whole numbers";
  }
  if (!Array.isArray(t.history) || t.history.length !== t.epoch) {
    return "history must hold one record per epoch";
  }
  if (!t.history.every((r) => r !== null && typeof r === "object" && "valid" in r)) {
    return "history records must be objects with validation scores";
  }
  return null;
}

/** True when no value is NaN or infinite (x - x is NaN exactly for those). */
function allFinite(data: Float32Array): boolean {
  let acc = 0;
  for (let i = 0; i < data.length; i++) acc += data[i] - data[i];
  return acc === 0;
}

/**
 * Reads a checkpoint; `name` (the file) goes into every error.
 *
 * @param bytes the file's bytes.
 * @param name the file, named in every error.
 * @returns the checkpoint.
 * @throws {ModelFormatError} for a file of another kind (an ONNX model, an image, a PyTorch
 * file, safetensors without Pointwise's metadata), saying which, before any parsing.
 * @throws {ConfigError} for a config that is not valid.
 * @throws {Error} naming the file when it is not a Pointwise checkpoint or is damaged (NaN weights, bad normalisation or training state).
 */
export function decodeCheckpoint(bytes: Uint8Array, name: string): Checkpoint {
  // A file of a kind we recognise gets an error saying so, not another parser's complaint; an
  // unrecognised one (a truncated checkpoint, say) gets the safetensors reader's.
  const found = sniffFileType(bytes);
  if (found !== "safetensors" && found !== "unknown") {
    throw new ModelFormatError(name, found, ["checkpoint"]);
  }
  const { tensors, metadata } = decodeSafetensors(bytes, name);
  if (metadata.format !== FORMAT) throw new ModelFormatError(name, "safetensors", ["checkpoint"]);
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
    // A model with NaN weights predicts plausible-looking answers: refuse it here.
    if (!allFinite(t.data)) {
      throw new Error(`${name}: tensor ${key} holds NaN or infinite values; the file is damaged`);
    }
    if (key.startsWith(MOMENTUM)) optimizer.set(key.slice(MOMENTUM.length), t);
    else weights.set(key, t);
  }
  const normalization = parseJson<Normalization>(metadata.normalization, "normalization", name);
  const bad = normalizationProblem(normalization);
  if (bad !== null) throw new Error(`${name}: the checkpoint's normalisation is invalid: ${bad}`);
  const train = metadata.train
    ? parseJson<TrainState>(metadata.train, "training state", name)
    : undefined;
  const broken = train === undefined ? null : trainStateProblem(train);
  if (broken !== null) throw new Error(`${name}: the training state is invalid: ${broken}`);
  return {
    config,
    classes,
    weights,
    normalization,
    optimizer: optimizer.size > 0 ? optimizer : undefined,
    train,
    source: name,
  };
}
