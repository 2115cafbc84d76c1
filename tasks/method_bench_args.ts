/**
 * The method benches' command line: what a bench compares on (its data and
 * configuration), and the flags every bench takes (methods, seeds, starting
 * weights, training settings).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseSeeds } from "./method_bench_args.ts";
 * assert.deepEqual(parseSeeds("0,1,2", 7), [0, 1, 2]);
 * assert.deepEqual(parseSeeds(undefined, 7), [7]);
 * ```
 * @module
 */
import { type Config, type Method, METHODS, PRESETS, withOverrides } from "@pointwise/core/lite";
import type { DataSpec } from "@pointwise/core/data";
import type { TrainerOptions } from "@pointwise/core";
import {
  configHelp,
  configOptions,
  configOverrides,
  int,
  type OptionSpecs,
  parseCommand,
  str,
  UsageError,
} from "@pointwise/cli/args";
import { backboneInit, BACKEND_HELP, INIT_HELP, INIT_OPTIONS } from "@pointwise/cli/flags";
import { type HelpRow, helpSection } from "@pointwise/cli/console";

/** What a bench compares on. */
export interface BenchSpec {
  /** Short name: the output folder and the task. */
  name: string;
  title: string;
  /** Bench-specific flags (data location, sizes) and their help. */
  options: Record<string, { type: "string" | "boolean" }>;
  optionsHelp: HelpRow[];
  /** The data, from the parsed flags; `evalRole` is scored, `valid` selects. */
  data: (
    values: Record<string, unknown>,
  ) => { spec: DataSpec; evalRole: string } | Promise<{ spec: DataSpec; evalRole: string }>;
  /** The bench's configuration (documented in the README), before flags. */
  base: Config;
  /** Figure panels: shrink wider ones, enlarge narrower ones. */
  panelWidth: number;
  minPanelWidth?: number;
}

const BENCH_OPTIONS = {
  help: { type: "boolean", short: "h" },
  backend: { type: "string" },
  threads: { type: "string" },
  methods: { type: "string" },
  out: { type: "string" },
  preset: { type: "string" },
  seeds: { type: "string" },
  "figure-images": { type: "string" },
} as const;

function help(b: BenchSpec): string {
  const bench = helpSection("bench", [
    ["--methods LIST", `comma-separated, from ${METHODS.join(", ")} [all]`],
    ["--out DIR", `where results, weights and the figure go [runs/bench-${b.name}]`],
    ["--preset bench|reference", "the bench's 2-core configuration, or the paper's (GPU) [bench]"],
    [
      "--seeds LIST",
      "comma-separated seeds; each method trains once per seed, the table gives mean ± sd and " +
      "each seed [the --seed setting's value]",
    ],
    ["--figure-images N", "images of the scored split in the figure [4]"],
  ]);
  return `${b.title}: min-max entropy against the baselines, trained and scored by the same code.

usage: deno task bench:${b.name} [options]

${bench}
${helpSection("data", b.optionsHelp)}
${INIT_HELP}
${BACKEND_HELP}

Training settings follow, with this bench's defaults (the method comes from --methods):
${configHelp(b.base, ["method"])}`;
}

/** The bench's options: its own, the data's and every training setting but the method. */
function benchOptions(b: BenchSpec): OptionSpecs {
  const { method: _, ...settings } = configOptions();
  return { ...BENCH_OPTIONS, ...INIT_OPTIONS, ...b.options, ...settings };
}

/** What the command line asks of a bench. */
export interface BenchArgs {
  values: Record<string, unknown>;
  methods: Method[];
  config: Config;
  data: { spec: DataSpec; evalRole: string };
  figureCount: number;
  seeds: number[];
  /** What the run descriptions name as the settings' start: `bench:<name>` or `reference`. */
  preset: string;
  /** Imports `--init-backbone` into each fresh network; undefined without it. */
  init: TrainerOptions["init"];
}

/** Reads and checks the flags; an exit code instead when the run stops here (help, usage). */
export async function parseBenchArgs(b: BenchSpec, argv: string[]): Promise<BenchArgs | number> {
  let values: Record<string, unknown>;
  try {
    values = parseCommand(argv, benchOptions(b), false).values;
  } catch (e) {
    console.error(`error: ${(e as Error).message}\nsee: deno task bench:${b.name} --help`);
    return 2;
  }
  if (values.help) {
    console.log(help(b));
    return 0;
  }
  try {
    return { values, ...await benchSettings(b, values) };
  } catch (e) {
    if (e instanceof UsageError) {
      console.error(`error: ${e.message}\nsee: deno task bench:${b.name} --help`);
      return 2;
    }
    throw e;
  }
}

/** The methods, configuration, seeds, data and figure size the flags give; throws UsageError. */
async function benchSettings(
  b: BenchSpec,
  values: Record<string, unknown>,
): Promise<Omit<BenchArgs, "values">> {
  const methods = parseMethods(str(values, "methods"));
  const preset = str(values, "preset", "bench");
  if (preset !== "bench" && preset !== "reference") {
    throw new UsageError(`--preset must be bench or reference, got '${preset}'`);
  }
  const overrides = configOverrides(values);
  const config = withOverrides(preset === "bench" ? b.base : PRESETS.reference, overrides);
  const seeds = parseSeeds(str(values, "seeds"), config.seed);
  const data = await b.data(values);
  const figureCount = int(values, "figure-images", 4, 0, 64);
  const init = await backboneInit(values, config);
  return {
    methods,
    config,
    data,
    figureCount,
    seeds,
    preset: preset === "bench" ? `bench:${b.name}` : preset,
    init,
  };
}

/** `--methods a,b` as methods; every method without it. */
function parseMethods(text: string | undefined): Method[] {
  const methods = (text ?? METHODS.join(",")).split(",").map((m) => m.trim()) as Method[];
  const unknown = methods.filter((m) => !METHODS.includes(m));
  if (unknown.length > 0) {
    throw new UsageError(
      `--methods: unknown ${unknown.join(", ")} (choose from ${METHODS.join(", ")})`,
    );
  }
  return methods;
}

/** `--seeds 0,1,2` as numbers (distinct non-negative integers); `fallback` alone without it. */
export function parseSeeds(text: string | undefined, fallback: number): number[] {
  if (text === undefined) return [fallback];
  const seeds = text.split(",").map((t) => t.trim());
  const bad = seeds.filter((t) => !/^\d+$/.test(t));
  if (seeds.length === 0 || bad.length > 0) {
    throw new UsageError(`--seeds expects comma-separated non-negative integers, got '${text}'`);
  }
  const values = seeds.map(Number);
  if (new Set(values).size !== values.length) {
    throw new UsageError(`--seeds lists a seed twice: '${text}'`);
  }
  return values;
}
