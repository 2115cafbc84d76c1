/**
 * Checking configs: the problems of a config, the typed error that lists them, overrides, and the
 * settings that older checkpoints predate.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { PRESETS } from "./presets.ts";
 * import { ConfigError, withOverrides } from "./validate_config.ts";
 * assert.throws(() => withOverrides(PRESETS.cpu, { epochs: 0 }), ConfigError);
 * ```
 * @module
 */
import { type Config, CONFIG_FIELDS } from "./config.ts";

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
 * import { PRESETS } from "./presets.ts";
 * import { validateConfig } from "./validate_config.ts";
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
 * import { PRESETS } from "./presets.ts";
 * import { ConfigError, withOverrides } from "./validate_config.ts";
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
