/**
 * Where a command's images come from: a folder with split files
 * (`--data DIR --train CSV --valid CSV`, or `--split CSV` for eval), or the
 * built-in synthetic dataset when no folder is given. Split-file paths are
 * taken as given, or else inside the folder (so `--data glas` finds
 * `glas/split/train.csv`); image paths in them are relative to the folder.
 *
 * @example
 * ```ts ignore
 * const spec = dataSpecFromArgs(values);
 * const train = await loadData(spec, "train");
 * ```
 * @module
 */
import { join } from "node:path";
import {
  clutteredDigits,
  type Dataset,
  loadMnist,
  loadSplit,
  syntheticDataset,
} from "@pointwise/core/lite";
import { int, str, UsageError } from "../args.ts";
import { describe, exists, readTextFor } from "../files.ts";
import { Progress } from "../console/progress.ts";

/** Flags that choose the data. */
export const DATA_OPTIONS = {
  data: { type: "string" },
  dataset: { type: "string" },
  train: { type: "string" },
  valid: { type: "string" },
  split: { type: "string" },
  "synthetic-train": { type: "string" },
  "synthetic-valid": { type: "string" },
  "synthetic-test": { type: "string" },
  "synthetic-size": { type: "string" },
  "synthetic-classes": { type: "string" },
  "digits-train": { type: "string" },
  "digits-valid": { type: "string" },
  "digits-test": { type: "string" },
  "digits-size": { type: "string" },
} as const;

/** Help lines for {@link DATA_OPTIONS}. */
export const DATA_HELP = `  data (default: the built-in synthetic dataset):
    --data DIR                 folder of images and masks
    --dataset synthetic|digits a built-in dataset instead [synthetic]: blobs whose texture is the
                               class, or cluttered MNIST digits (10 classes)
    --train CSV, --valid CSV   split files (image,mask,label rows); default DIR/split/{train,valid}.csv
    --synthetic-train N        synthetic training images [256]
    --synthetic-valid N        synthetic validation images [64]
    --synthetic-test N         synthetic test images [64]
    --synthetic-size N         side of synthetic images [128]
    --synthetic-classes N      synthetic classes, 2 to 4 [2]
    --digits-train N ...       cluttered digits per split [2000 train, 300 valid, 500 test],
                               --digits-size [96]`;

/** A reproducible description of the data, saved with a run. */
export type DataSpec =
  | { kind: "folder"; dir: string; splits: Record<string, string> }
  | { kind: "synthetic"; size: number; classes: number; counts: Record<string, number> }
  | { kind: "digits"; size: number; counts: Record<string, number> };

/** Split roles and the seeds of their synthetic versions. */
const SYNTHETIC_SEEDS: Record<string, number> = { train: 1, valid: 2, test: 3 };

/** Reads the data flags. `roles` are the splits the command needs. */
export function dataSpecFromArgs(values: Record<string, unknown>, roles: string[]): DataSpec {
  const dir = str(values, "data");
  const builtin = str(values, "dataset");
  if (builtin !== undefined && !["synthetic", "digits"].includes(builtin)) {
    throw new UsageError(`--dataset must be synthetic or digits, got '${builtin}'`);
  }
  if (builtin !== undefined && dir !== undefined) {
    throw new UsageError("--dataset names a built-in dataset; it cannot go with --data");
  }
  if (builtin === "digits") {
    return {
      kind: "digits",
      size: int(values, "digits-size", 96, 48, 1024),
      counts: {
        train: int(values, "digits-train", 2000, 1),
        valid: int(values, "digits-valid", 300, 1),
        test: int(values, "digits-test", 500, 1),
      },
    };
  }
  if (dir === undefined) {
    for (const r of ["train", "valid", "split"]) {
      if (values[r] !== undefined) {
        throw new UsageError(
          `--${r} needs --data DIR (the folder its image paths are relative to)`,
        );
      }
    }
    return {
      kind: "synthetic",
      size: int(values, "synthetic-size", 128, 32, 4096),
      classes: int(values, "synthetic-classes", 2, 2, 4),
      counts: {
        train: int(values, "synthetic-train", 256, 1),
        valid: int(values, "synthetic-valid", 64, 1),
        test: int(values, "synthetic-test", 64, 1),
      },
    };
  }
  const splits: Record<string, string> = {};
  for (const role of roles) {
    const flag = role === "test" ? "split" : role;
    splits[role] = str(values, flag) ??
      join(dir, "split", `${role === "test" ? "test" : role}.csv`);
  }
  return { kind: "folder", dir, splits };
}

/** A short description, for the console. */
export function describeSpec(spec: DataSpec, role: string): string {
  if (spec.kind === "digits") {
    return `cluttered digits ${role}: ${spec.counts[role]} images of ${spec.size}x${spec.size}, ` +
      `10 classes, seed ${SYNTHETIC_SEEDS[role]}`;
  }
  return spec.kind === "synthetic"
    ? `synthetic ${role}: ${
      spec.counts[role]
    } images of ${spec.size}x${spec.size}, ${spec.classes} classes, seed ${SYNTHETIC_SEEDS[role]}`
    : `${spec.splits[role]} (images in ${spec.dir})`;
}

/** Loads one split, decoding and checking every image before returning. */
export async function loadData(
  spec: DataSpec,
  role: string,
  o: { classes?: string[]; requireMasks?: boolean } = {},
): Promise<Dataset> {
  if (spec.kind === "digits") {
    const ds = clutteredDigits(await loadMnist(), {
      split: role as "train" | "valid" | "test",
      count: spec.counts[role],
      size: spec.size,
      seed: SYNTHETIC_SEEDS[role],
    });
    if (o.classes && o.classes.join() !== ds.classes.join()) {
      throw new Error(`the model's classes (${o.classes.join(", ")}) are not the digits 0-9`);
    }
    return ds;
  }
  if (spec.kind === "synthetic") {
    const ds = syntheticDataset({
      count: spec.counts[role],
      size: spec.size,
      classes: spec.classes,
      seed: SYNTHETIC_SEEDS[role],
    });
    if (o.classes && o.classes.join() !== ds.classes.join()) {
      throw new Error(
        `the model's classes (${o.classes.join(", ")}) are not the synthetic ones (${
          ds.classes.join(", ")
        })`,
      );
    }
    return ds;
  }
  let csv = spec.splits[role];
  if (!(await exists(csv)) && (await exists(join(spec.dir, csv)))) csv = join(spec.dir, csv);
  const csvText = await readTextFor(csv, `${role} split file`);
  const bar = new Progress(`loading ${role}`);
  try {
    return await loadSplit({
      csvText,
      csvName: csv,
      classes: o.classes,
      requireMasks: o.requireMasks,
      read: async (p) => {
        try {
          return await Deno.readFile(join(spec.dir, p));
        } catch (e) {
          throw new Error(`${join(spec.dir, p)}: ${describe(e)}`);
        }
      },
      onProgress: (d, t) => bar.update(d, t),
    });
  } finally {
    bar.done();
  }
}
