/**
 * Where a run's images come from, as a description that can be saved with
 * the run (`run.json`) and loaded again: a folder with split files, or one of
 * the built-in datasets (synthetic blobs, cluttered MNIST digits) with their
 * sizes. Split roles (`train`, `valid`, `test`) each have a fixed seed for
 * the built-in data. File access is injected: the core reads nothing itself.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { describeDataSpec, loadData } from "./data_spec.ts";
 * const spec = { kind: "synthetic", size: 64, classes: 2, counts: { test: 3 } } as const;
 * assert.equal(describeDataSpec(spec, "test"), "synthetic test: 3 images of 64x64, 2 classes, seed 3");
 * const ds = await loadData(spec, "test");
 * assert.equal(ds.samples.length, 3);
 * ```
 * @module
 */
import { clutteredDigits } from "./cluttered_digits.ts";
import { type Dataset, loadSplit } from "./dataset.ts";
import { loadMnist } from "./mnist_source.ts";
import { syntheticDataset } from "./synthetic.ts";

/** A reproducible description of a run's data. */
export type DataSpec =
  | {
    kind: "folder";
    /** The folder image paths in split files are relative to. */
    dir: string;
    /** Split file per role. */
    splits: Record<string, string>;
    /** Split files may name files outside `dir` (absolute paths, or `..` past it). */
    allowOutside?: boolean;
  }
  | { kind: "synthetic"; size: number; classes: number; counts: Record<string, number> }
  | { kind: "digits"; size: number; counts: Record<string, number> };

/** The seed of each role's built-in data. */
export const SPLIT_SEEDS: Readonly<Record<string, number>> = { train: 1, valid: 2, test: 3 };

/**
 * A short description, for messages: what, how many, which seed.
 *
 * @param spec the data.
 * @param role the split (`train`, `valid`, `test`).
 * @returns e.g. `synthetic test: 3 images of 64x64, 2 classes, seed 3`.
 */
export function describeDataSpec(spec: DataSpec, role: string): string {
  if (spec.kind === "digits") {
    return `cluttered digits ${role}: ${spec.counts[role]} images of ${spec.size}x${spec.size}, ` +
      `10 classes, seed ${SPLIT_SEEDS[role]}`;
  }
  return spec.kind === "synthetic"
    ? `synthetic ${role}: ${
      spec.counts[role]
    } images of ${spec.size}x${spec.size}, ${spec.classes} classes, seed ${SPLIT_SEEDS[role]}`
    : `${spec.splits[role]} (images in ${spec.dir})`;
}

/** Options of {@link loadData}. */
export interface LoadDataOptions {
  /** Reads a file by path (split files as the spec names them, images as `dir/path`). */
  readFile?: (path: string) => Promise<Uint8Array>;
  /** The model's classes: the data's labels must be among them, in this order. */
  classes?: readonly string[];
  /** Fail when a row has no mask (evaluation needs them). */
  requireMasks?: boolean;
  /** Called after each image of a folder is loaded. */
  onProgress?: (done: number, total: number) => void;
}

/** Thrown when the data's classes are not the model's. */
export class ClassMismatchError extends Error {
  override name = "ClassMismatchError";
}

function checkClasses(ds: Dataset, o: LoadDataOptions, what: string): Dataset {
  if (o.classes && o.classes.join("\n") !== ds.classes.join("\n")) {
    throw new ClassMismatchError(
      `the model's classes (${o.classes.join(", ")}) are not ${what} (${ds.classes.join(", ")})`,
    );
  }
  return ds;
}

/**
 * Loads one split of the data, decoding and checking every image first.
 *
 * @param spec the data.
 * @param role the split: `train`, `valid` or `test`.
 * @param o file access (needed for folders), the model's classes, progress.
 * @returns the dataset.
 */
export async function loadData(
  spec: DataSpec,
  role: string,
  o: LoadDataOptions = {},
): Promise<Dataset> {
  if (spec.kind === "digits") {
    const ds = clutteredDigits(await loadMnist(), {
      split: role as "train" | "valid" | "test",
      count: spec.counts[role],
      size: spec.size,
      seed: SPLIT_SEEDS[role],
    });
    return checkClasses(ds, o, "the digits 0-9");
  }
  if (spec.kind === "synthetic") {
    const ds = syntheticDataset({
      count: spec.counts[role],
      size: spec.size,
      classes: spec.classes,
      seed: SPLIT_SEEDS[role],
    });
    return checkClasses(ds, o, "the synthetic ones");
  }
  const read = o.readFile;
  if (read === undefined) throw new Error("loading a folder of images needs a readFile function");
  const csv = spec.splits[role];
  if (csv === undefined) throw new Error(`the data names no ${role} split file`);
  const dir = spec.dir.replace(/\/+$/, "");
  return await loadSplit({
    csvText: new TextDecoder().decode(await read(csv)),
    csvName: csv,
    classes: o.classes ? [...o.classes] : undefined,
    requireMasks: o.requireMasks,
    // Absolute paths reach this point only when the spec allows files outside the folder.
    read: (p) => read(dir === "" || /^([\\/]|[A-Za-z]:)/.test(p) ? p : `${dir}/${p}`),
    onProgress: o.onProgress,
    allowOutside: spec.allowOutside,
  });
}
