/**
 * What a `train` run will do, settled before anything loads: a new run's preset, settings, data
 * and run folder (refusing to overwrite a run without `--force`), or a resumed run's checkpoint with
 * the changes allowed (never the network's shape).
 *
 * @example
 * ```ts ignore
 * const plan = values.resume === undefined ? await planFresh(values) : await planResume(values);
 * ```
 * @module
 */
import { basename, join } from "node:path";
import {
  type Checkpoint,
  type Config,
  decodeCheckpoint,
  type PresetName,
  PRESETS,
  withOverrides,
} from "@pointwise/core/lite";
import type { DataSpec } from "@pointwise/core/data";
import { configOverrides, flagValue, str, toFlag, UsageError } from "../args.ts";
import { dataSpecFromArgs } from "../flags/data_flags.ts";
import { exists, readFileFor } from "../files.ts";
import {
  CHECKPOINTS,
  freshRunFolder,
  readRunInfo,
  resolveModelPath,
  runFolderOf,
} from "../run_folder.ts";

/** Settings that fix the network's parameters; a resumed run keeps them. */
const SHAPE_FIELDS: (keyof Config)[] = ["method", "arch", "deepStem", "width", "modalities"];

/** Flags that choose the data: given on resume, they replace the run's. */
const DATA_FLAGS = [
  "data",
  "dataset",
  "synthetic-train",
  "synthetic-size",
  "digits-train",
  "digits-size",
];

/** What a training run will do, before anything is loaded. */
export interface RunPlan {
  config: Config;
  data: DataSpec;
  runDir: string;
  preset: string;
  resume?: Checkpoint;
}

/** The plan of a resumed run: the checkpoint's settings with the allowed changes. */
export async function planResume(values: Record<string, unknown>): Promise<RunPlan> {
  const overrides = configOverrides(values);
  const path = await resolveModelPath(str(values, "resume")!, "last");
  const resume = decodeCheckpoint(await readFileFor(path, "checkpoint"), path);
  if (resume.train === undefined) {
    throw new Error(`${path} holds no training state; resume from last.safetensors`);
  }
  const fixed = SHAPE_FIELDS.filter((k) => k in overrides && overrides[k] !== resume.config[k]);
  if (fixed.length > 0) {
    throw new UsageError(
      `the network's shape cannot change when resuming (got ${
        fixed.map((k) => `--${toFlag(k)}`).join(", ")
      })`,
    );
  }
  const changed = (Object.keys(overrides) as (keyof Config)[])
    .filter((k) => overrides[k] !== resume.config[k]);
  if (changed.length > 0) {
    const list = changed.map((k) => `--${toFlag(k)} ${flagValue(k, overrides[k])}`).join(", ");
    console.error(`resuming with changed settings: ${list}`);
  }
  const runDir = str(values, "out") ?? runFolderOf(path);
  const info = await readRunInfo(runFolderOf(path));
  const data = DATA_FLAGS.some((f) => values[f] !== undefined) || info === undefined
    ? await dataSpecFromArgs(values, ["train", "valid"])
    : info.data;
  return {
    config: withOverrides(resume.config, overrides),
    data,
    runDir,
    preset: info?.preset ?? "cpu",
    resume,
  };
}

/** The plan of a new run. */
export async function planFresh(values: Record<string, unknown>): Promise<RunPlan> {
  const preset = str(values, "preset", "cpu")!;
  if (!(preset in PRESETS)) {
    throw new UsageError(
      `--preset must be one of ${Object.keys(PRESETS).join(", ")}, got '${preset}'`,
    );
  }
  const config = withOverrides(PRESETS[preset as PresetName], configOverrides(values));
  const data = await dataSpecFromArgs(values, ["train", "valid"]);
  let runDir = str(values, "out");
  if (runDir === undefined) {
    runDir = await freshRunFolder(
      data.kind === "folder" ? basename(data.dir) || "run" : data.kind,
    );
  } else if (!values.force && (await exists(join(runDir, CHECKPOINTS.last)))) {
    throw new UsageError(
      `${runDir} already holds a run: pass --resume ${runDir} to continue it, --force to overwrite it, or another --out`,
    );
  }
  return { config, data, runDir, preset };
}
