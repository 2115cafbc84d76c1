/**
 * The data flags: a folder with split files (`--data DIR --train CSV
 * --valid CSV`, or `--split CSV` for eval), or a built-in dataset
 * (`--dataset synthetic|digits`, the synthetic one when no folder is given),
 * read into the core's `DataSpec`. Split-file paths are taken as given, or
 * else inside the folder (so `--data glas` finds `glas/split/train.csv`);
 * paths are stored absolute, so a run resumes from any folder.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { UsageError } from "../args.ts";
 * import { dataSpecFromArgs } from "./data_flags.ts";
 * const spec = await dataSpecFromArgs({ "synthetic-train": "32" }, ["train", "valid"]);
 * assert.deepEqual(spec, { kind: "synthetic", size: 128, classes: 2,
 *   counts: { train: 32, valid: 64, test: 64 } });
 * await assert.rejects(dataSpecFromArgs({ train: "a.csv" }, ["train"]), UsageError); // no --data
 * ```
 * @module
 */
import { join, resolve } from "node:path";
import type { Dataset } from "@pointwise/core/data";
import {
  type DataSpec,
  loadData,
  type LoadDataOptions,
  SplitFileError,
} from "@pointwise/core/data";
import { int, str, UsageError } from "../args.ts";
import { helpSection } from "../console/help.ts";
import { describe, exists, readRegularFile } from "../files.ts";
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
  "allow-outside-data": { type: "boolean" },
} as const;

/** The `data:` section of `train --help`. */
export const DATA_HELP: string = helpSection("data (default: the built-in synthetic dataset)", [
  ["--data DIR", "folder of images and masks"],
  [
    "--dataset synthetic|digits",
    "a built-in dataset instead [synthetic]: blobs whose texture is the class, or cluttered " +
    "MNIST digits (10 classes)",
  ],
  ["--train CSV, --valid CSV", "split files (image,mask,label rows) [DIR/split/train.csv, ...]"],
  ["--allow-outside-data", "let split files name files outside DIR (absolute paths, or '..')"],
  ["--synthetic-train N", "synthetic training images [256]"],
  ["--synthetic-valid N", "synthetic validation images [64]"],
  ["--synthetic-test N", "synthetic test images [64]"],
  ["--synthetic-size N", "side of synthetic images [128]"],
  ["--synthetic-classes N", "synthetic classes, 2 to 4 [2]"],
  ["--digits-train N ...", "cluttered digits per split [2000 train, 300 valid, 500 test]"],
  ["--digits-size N", "side of the digit canvases [96]"],
]);

/** Pixels of one built-in split, at most (3 GB of RGB bytes, all held in memory). */
const MAX_SPLIT_PIXELS = 1_000_000_000;

/** A built-in split's image count: a whole number from 1 whose images fit in memory together. */
function count(
  values: Record<string, unknown>,
  flag: string,
  fallback: number,
  size: number,
): number {
  const most = Math.max(1, Math.floor(MAX_SPLIT_PIXELS / (size * size)));
  const n = int(values, flag, fallback, 1, Math.min(most, 1_000_000));
  return n;
}

/** The size flags of each built-in dataset. */
const FAMILY_FLAGS: Readonly<Record<"synthetic" | "digits", readonly string[]>> = {
  synthetic: Object.keys(DATA_OPTIONS).filter((f) => f.startsWith("synthetic-")),
  digits: Object.keys(DATA_OPTIONS).filter((f) => f.startsWith("digits-")),
};

/**
 * A built-in dataset's size flag where other data is read would be ignored:
 * refused for the other built-in dataset (one flag away from what was meant),
 * said on stderr beside `--data`.
 */
function refuseOtherFamily(values: Record<string, unknown>, data: string): void {
  for (const [family, flags] of Object.entries(FAMILY_FLAGS)) {
    if (family === data) continue;
    const given = flags.filter((f) => values[f] !== undefined);
    if (given.length === 0) continue;
    if (data === "folder") {
      const list = given.map((f) => `--${f}`).join(", ");
      const verb = given.length > 1 ? "they size" : "it sizes";
      console.error(`note: ${list} ignored: ${verb} the built-in ${family} dataset, not --data`);
      continue;
    }
    throw new UsageError(
      `--${given[0]} sizes the built-in ${family} dataset: add --dataset ${family}, ` +
        `or drop it (the data here is ${
          data === "digits" ? "--dataset digits" : "the synthetic set"
        })`,
    );
  }
}

/**
 * Reads the data flags. `roles` are the splits the command needs.
 *
 * @param values parsed flags.
 * @param roles the splits the command needs (`train`, `valid`, `test`).
 * @returns the data spec, folder paths absolute.
 * @throws {UsageError} for flags that do not go together or out-of-range sizes.
 */
export async function dataSpecFromArgs(
  values: Record<string, unknown>,
  roles: string[],
): Promise<DataSpec> {
  const dir = str(values, "data");
  const builtin = str(values, "dataset");
  if (builtin !== undefined && !["synthetic", "digits"].includes(builtin)) {
    throw new UsageError(`--dataset must be synthetic or digits, got '${builtin}'`);
  }
  if (builtin !== undefined && dir !== undefined) {
    throw new UsageError("--dataset names a built-in dataset; it cannot go with --data");
  }
  refuseOtherFamily(values, dir !== undefined ? "folder" : builtin ?? "synthetic");
  if (builtin === "digits") {
    const size = int(values, "digits-size", 96, 48, 1024);
    return {
      kind: "digits",
      size,
      counts: {
        train: count(values, "digits-train", 2000, size),
        valid: count(values, "digits-valid", 300, size),
        test: count(values, "digits-test", 500, size),
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
    const size = int(values, "synthetic-size", 128, 32, 4096);
    return {
      kind: "synthetic",
      size,
      classes: int(values, "synthetic-classes", 2, 2, 4),
      counts: {
        train: count(values, "synthetic-train", 256, size),
        valid: count(values, "synthetic-valid", 64, size),
        test: count(values, "synthetic-test", 64, size),
      },
    };
  }
  const splits: Record<string, string> = {};
  for (const role of roles) {
    const given = str(values, role === "test" ? "split" : role);
    let csv = given ?? join(dir, "split", `${role}.csv`);
    if (given !== undefined && !(await exists(csv)) && (await exists(join(dir, csv)))) {
      csv = join(dir, csv);
    }
    splits[role] = resolve(csv);
  }
  return {
    kind: "folder",
    dir: resolve(dir),
    splits,
    ...(values["allow-outside-data"] ? { allowOutside: true } : {}),
  };
}

/** Reads a data file; the error names it. */
async function readDataFile(path: string): Promise<Uint8Array> {
  try {
    return await readRegularFile(path);
  } catch (e) {
    throw new Error(`${path}: ${describe(e)}`);
  }
}

/**
 * Loads one split with a progress line, reading files from disk.
 *
 * @param spec the data.
 * @param role the split.
 * @param o the classes to expect, and whether masks are required.
 * @returns the loaded split.
 */
export async function loadDataWithProgress(
  spec: DataSpec,
  role: string,
  o: Omit<LoadDataOptions, "readFile" | "onProgress"> = {},
): Promise<Dataset> {
  if (spec.kind !== "folder") return await loadData(spec, role, o);
  const bar = new Progress(`loading ${role}`);
  try {
    return await loadData(spec, role, {
      ...o,
      readFile: readDataFile,
      onProgress: (d, t) => bar.update(d, t),
    });
  } catch (e) {
    if (e instanceof SplitFileError && e.outside) {
      throw new Error(`${e.message}\n(--allow-outside-data allows files outside ${spec.dir})`);
    }
    throw e;
  } finally {
    bar.done();
  }
}
