/**
 * Argument parsing for every command, on `node:util` parseArgs. The training
 * settings' flags are generated from the core's config table, so every
 * config field can be set from the command line.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { COMMON_OPTIONS, configOptions, configOverrides, parseCommand, UsageError } from "./args.ts";
 * const options = { ...COMMON_OPTIONS, ...configOptions() };
 * const { values, positionals } = parseCommand(["--epochs", "3", "--no-deep-stem", "a.png"], options);
 * assert.deepEqual(configOverrides(values), { epochs: 3, deepStem: false });
 * assert.deepEqual(positionals, ["a.png"]);
 * assert.throws(() => parseCommand(["--epoch", "3"], options), UsageError); // exits 2
 * ```
 * @module
 */
import { parseArgs } from "node:util";
import { type Config, CONFIG_FIELDS, type ConfigProblem } from "@pointwise/core/lite";
import { type HelpRow, helpSection } from "./console/help.ts";
import { explainOptionError } from "./option_errors.ts";

/** A usage mistake: the CLI prints it with the command's help and exits 2. */
export class UsageError extends Error {
  override name = "UsageError";
}

/**
 * A config field's flag: its camelCase name in kebab case (`eraseStartEpoch`: `erase-start-epoch`).
 *
 * @param key a config field.
 * @returns its flag, without the dashes.
 */
export function toFlag(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/**
 * Settings that name an epoch. On the command line, as on screen ("epoch
 * 2/12"), epochs count from 1; in the config, as in the reference and in
 * history.json, they count from 0. So `--erase-start-epoch 2` is the
 * reference's `epoch_start_erasing = 1`: the second epoch is the first to erase.
 */
export const EPOCH_NUMBER_FIELDS: readonly (keyof Config)[] = ["eraseStartEpoch"];

/** The help of a setting where the command line words it differently from the core. */
const CLI_HELP: Partial<Record<keyof Config, string>> = {
  eraseStartEpoch: "first epoch that erases (epochs count from 1, as printed)",
};

/** Section titles of the config groups in `--help`. */
const GROUP_TITLES: Record<string, string> = {
  network: "network",
  optimisation: "optimisation",
  erasing: "recursive erasing",
  data: "crops, augmentation and seed",
};

/** A setting's value as the command line writes it (epochs from 1). */
export function flagValue(key: keyof Config, value: unknown): string {
  return EPOCH_NUMBER_FIELDS.includes(key) && typeof value === "number"
    ? String(value + 1)
    : String(value);
}

/**
 * A config problem in the words of the command line: `--epochs must be >= 1, got 0`.
 *
 * @param p the core's problem, naming a config field.
 * @returns the problem, naming the field's flag.
 */
export function flagProblem(p: ConfigProblem): string {
  return p.field in CONFIG_FIELDS ? `--${toFlag(p.field)} ${p.problem}` : `${p.field} ${p.problem}`;
}

/** parseArgs option specs. */
export type OptionSpecs = Record<
  string,
  { type: "string" | "boolean"; short?: string; multiple?: boolean }
>;

/** Options every command accepts. */
export const COMMON_OPTIONS: OptionSpecs = {
  help: { type: "boolean", short: "h" },
  backend: { type: "string" },
  threads: { type: "string" },
};

/**
 * One flag per config field.
 *
 * @returns parseArgs specs of every config field's flag.
 */
export function configOptions(): OptionSpecs {
  const out: OptionSpecs = {};
  for (const [key, spec] of Object.entries(CONFIG_FIELDS)) {
    out[toFlag(key)] = { type: spec.type === "boolean" ? "boolean" : "string" };
  }
  return out;
}

/**
 * Parses `argv`; unknown flags and missing values become UsageErrors in our
 * words ("unknown option --epoch; did you mean --epochs?").
 *
 * @param argv the command's arguments.
 * @param options the flags it takes.
 * @returns the flags' values and the positional arguments.
 * @throws {UsageError} for an unknown flag or a missing value.
 */
export function parseCommand(
  argv: string[],
  options: OptionSpecs,
  allowPositionals = true,
): { values: Record<string, unknown>; positionals: string[] } {
  try {
    return parseArgs({ args: argv, options, allowPositionals, allowNegative: true, strict: true });
  } catch (e) {
    const message = explainOptionError(argv, options, allowPositionals) ??
      (e as Error).message.split("\n")[0];
    throw new UsageError(message);
  }
}

/**
 * The config fields set on the command line, converted to their types.
 *
 * @param values parsed flags.
 * @returns the config fields they set.
 * @throws {UsageError} for a number flag whose value is not a number.
 */
export function configOverrides(values: Record<string, unknown>): Partial<Config> {
  const out: Record<string, unknown> = {};
  for (const [key, spec] of Object.entries(CONFIG_FIELDS)) {
    const raw = values[toFlag(key)];
    if (raw === undefined) continue;
    if (spec.type === "number") {
      const v = Number(raw);
      if (raw === "" || !Number.isFinite(v)) {
        throw new UsageError(`--${toFlag(key)} expects a number, got '${raw}'`);
      }
      if (EPOCH_NUMBER_FIELDS.includes(key as keyof Config)) {
        if (!Number.isInteger(v) || v < 1) {
          throw new UsageError(`--${toFlag(key)} is an epoch, counted from 1; got '${raw}'`);
        }
        out[key] = v - 1;
      } else out[key] = v;
    } else out[key] = raw;
  }
  return out as Partial<Config>;
}

/**
 * A string flag's value, or `fallback`.
 *
 * @param values parsed flags.
 * @param name the flag, without the dashes.
 * @param fallback the value when the flag is absent.
 * @returns the flag's value, or `fallback`.
 */
export function str(
  values: Record<string, unknown>,
  name: string,
  fallback?: string,
): string | undefined {
  const v = values[name];
  return typeof v === "string" ? v : fallback;
}

/**
 * A numeric flag's value, checked to be an integer in [min, max].
 *
 * @param values parsed flags.
 * @param name the flag, without the dashes.
 * @param fallback the value when the flag is absent.
 * @param min the smallest value accepted.
 * @param max the largest value accepted.
 * @returns the flag's value, or `fallback`.
 * @throws {UsageError} when the value is not an integer in range.
 */
export function int(
  values: Record<string, unknown>,
  name: string,
  fallback: number,
  min = 0,
  max = Infinity,
): number {
  const raw = values[name];
  if (raw === undefined) return fallback;
  const v = Number(raw);
  if (!Number.isInteger(v) || v < min || v > max) {
    throw new UsageError(`--${name} expects an integer from ${min} to ${max}, got '${raw}'`);
  }
  return v;
}

/**
 * A numeric flag's value, checked to be a finite number in [min, max].
 *
 * @param values parsed flags.
 * @param name the flag, without the dashes.
 * @param fallback the value when the flag is absent.
 * @param min the smallest value accepted.
 * @param max the largest value accepted.
 * @returns the flag's value, or `fallback`.
 * @throws {UsageError} when the value is not a number in range.
 */
export function num(
  values: Record<string, unknown>,
  name: string,
  fallback: number,
  min = -Infinity,
  max = Infinity,
): number {
  const raw = values[name];
  if (raw === undefined) return fallback;
  const v = Number(raw);
  if (raw === "" || !Number.isFinite(v) || v < min || v > max) {
    throw new UsageError(`--${name} expects a number from ${min} to ${max}, got '${raw}'`);
  }
  return v;
}

/**
 * `--help` sections of the config flags, one per group, with the defaults of
 * `base`; `exclude` leaves out settings that a command sets another way.
 *
 * @param base the config whose values are shown as defaults.
 * @param exclude settings not to list.
 * @returns the help text, one section per config group.
 */
export function configHelp(base: Config, exclude: readonly (keyof Config)[] = []): string {
  const groups = new Map<string, HelpRow[]>();
  for (const [k, spec] of Object.entries(CONFIG_FIELDS)) {
    const key = k as keyof Config;
    if (exclude.includes(key)) continue;
    const flag = spec.type === "boolean"
      ? `--[no-]${toFlag(key)}`
      : `--${toFlag(key)} ${
        spec.choices ? spec.choices.join("|") : spec.type === "number" ? "N" : "S"
      }`;
    const row: HelpRow = [flag, `${CLI_HELP[key] ?? spec.help} [${flagValue(key, base[key])}]`];
    groups.set(spec.group, [...(groups.get(spec.group) ?? []), row]);
  }
  return [...groups].map(([g, rows]) => helpSection(GROUP_TITLES[g] ?? g, rows)).join("\n");
}
