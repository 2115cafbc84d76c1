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
 * Parses `argv`; unknown flags and missing values become UsageErrors.
 *
 * @param argv the command's arguments.
 * @param options the flags it takes.
 * @returns the flags' values and the positional arguments.
 * @throws {UsageError} for an unknown flag or a missing value.
 */
export function parseCommand(
  argv: string[],
  options: OptionSpecs,
): { values: Record<string, unknown>; positionals: string[] } {
  try {
    return parseArgs({
      args: argv,
      options,
      allowPositionals: true,
      allowNegative: true,
      strict: true,
    });
  } catch (e) {
    throw new UsageError((e as Error).message);
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
      out[key] = v;
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
 * Help lines for the config flags, grouped.
 *
 * @param base the config whose values are shown as defaults.
 * @returns the help text, one group of flags per config group.
 */
export function configHelp(base: Config): string {
  const groups = new Map<string, string[]>();
  for (const [key, spec] of Object.entries(CONFIG_FIELDS)) {
    const flag = spec.type === "boolean"
      ? `--[no-]${toFlag(key)}`
      : `--${toFlag(key)} ${
        spec.choices ? spec.choices.join("|") : spec.type === "number" ? "N" : "S"
      }`;
    const line = `    ${flag.padEnd(34)} ${spec.help} [${String(base[key as keyof Config])}]`;
    groups.set(spec.group, [...(groups.get(spec.group) ?? []), line]);
  }
  return [...groups].map(([g, lines]) => `  ${g}:\n${lines.join("\n")}`).join("\n");
}
