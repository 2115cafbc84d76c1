/**
 * The run folder that `train` writes and the other commands read:
 * `last.safetensors` (every epoch, everything `--resume` needs),
 * `best.safetensors` (lowest validation error), `history.json` (one record
 * per epoch), `run.json` (the data, preset and start time) and, for the
 * built-in datasets, `samples/` (a few test images to predict on). Its
 * layout and types live here and nowhere else.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { join } from "node:path";
 * import { readRunInfo, resolveModelPath, runFolderOf, writeRunInfo } from "./run_folder.ts";
 * const dir = await Deno.makeTempDir(); // a run folder, as `train` writes it
 * await Deno.writeFile(join(dir, "best.safetensors"), new Uint8Array());
 * const data = { kind: "synthetic", size: 64, classes: 2, counts: { train: 8 } } as const;
 * await writeRunInfo(dir, { data, preset: "cpu", started: "2026-01-01T00:00:00Z" });
 * const path = await resolveModelPath(dir);
 * assert.equal(path, join(dir, "best.safetensors"));
 * assert.deepEqual((await readRunInfo(runFolderOf(path)))?.data, data);
 * await Deno.remove(dir, { recursive: true });
 * ```
 * @module
 */
import { dirname, join } from "node:path";
import { type Dataset, type DataSpec, encodePng } from "@pointwise/core/data";
import type { EpochRecord } from "@pointwise/core/io";
import { describe, exists, readTextFor, writeFileAtomic } from "./files.ts";

/** The folder of sample images in a run folder. */
export const SAMPLES_DIR = "samples";

/** Checkpoint file names in a run folder, in order of preference for inference. */
export const CHECKPOINTS = { best: "best.safetensors", last: "last.safetensors" } as const;

/** What `run.json` holds. */
export interface RunInfo {
  /** The data the run trained on (folder paths absolute). */
  data: DataSpec;
  /** The preset its settings started from. */
  preset: string;
  /** When it started (ISO 8601). */
  started: string;
}

/**
 * A fresh folder `runs/<name>`, numbered (`-2`, `-3`, ...) when taken.
 *
 * @param name the folder's name under `runs/`.
 * @returns a path under `runs/` that does not exist yet.
 */
export async function freshRunFolder(name: string): Promise<string> {
  for (let i = 1;; i++) {
    const dir = join("runs", i === 1 ? name : `${name}-${i}`);
    if (!(await exists(dir))) return dir;
  }
}

/**
 * The run folder that holds a checkpoint file.
 *
 * @param checkpoint a checkpoint's path.
 * @returns its folder.
 */
export function runFolderOf(checkpoint: string): string {
  return dirname(checkpoint);
}

/**
 * Resolves `--model` or `--resume`: a model file, or a run folder holding
 * best.safetensors (or, failing that, last.safetensors; `prefer` swaps them).
 *
 * @param model a model file or a run folder.
 * @param prefer which checkpoint of a run folder comes first.
 * @returns the model file.
 * @throws {Error} naming the path when it is missing or holds no checkpoint.
 */
export async function resolveModelPath(
  model: string,
  prefer: "best" | "last" = "best",
): Promise<string> {
  let info: Deno.FileInfo;
  try {
    info = await Deno.stat(model);
  } catch (e) {
    throw new Error(`cannot read model ${model}: ${describe(e)}`);
  }
  if (info.isFile) return model;
  if (!info.isDirectory) {
    throw new Error(`cannot read model ${model}: not a regular file (a device, pipe or socket)`);
  }
  const order = prefer === "best"
    ? [CHECKPOINTS.best, CHECKPOINTS.last]
    : [CHECKPOINTS.last, CHECKPOINTS.best];
  for (const name of order) {
    const p = join(model, name);
    if (await exists(p)) return p;
  }
  throw new Error(`model folder ${model} holds no ${order.join(" or ")}`);
}

/**
 * A run's `run.json`, or undefined when the folder has none.
 *
 * @param dir the run folder.
 * @returns what `run.json` holds, or undefined.
 * @throws {Error} naming the file when it is not a run description.
 */
export async function readRunInfo(dir: string): Promise<RunInfo | undefined> {
  const path = join(dir, "run.json");
  if (!(await exists(path))) return undefined;
  let info: RunInfo;
  try {
    info = JSON.parse(await readTextFor(path, "run description"));
  } catch (e) {
    throw new Error(`${path}: not a valid run description (${(e as Error).message})`);
  }
  if (info === null || typeof info !== "object" || typeof info.data?.kind !== "string") {
    throw new Error(`${path}: not a valid run description (it names no data)`);
  }
  return info;
}

/**
 * Writes `run.json`.
 *
 * @param dir the run folder.
 * @param info what the run trained on.
 */
export async function writeRunInfo(dir: string, info: RunInfo): Promise<void> {
  await writeFileAtomic(join(dir, "run.json"), JSON.stringify(info, null, 2) + "\n");
}

/**
 * A run's `history.json`, or undefined when the folder has none.
 *
 * @param dir the run folder.
 * @returns one record per epoch, or undefined.
 * @throws {Error} naming the file when it is not a run history.
 */
export async function readHistory(dir: string): Promise<EpochRecord[] | undefined> {
  const path = join(dir, "history.json");
  if (!(await exists(path))) return undefined;
  const history = JSON.parse(await readTextFor(path, "run history"));
  if (!Array.isArray(history)) throw new Error(`${path}: not a run history (no list of epochs)`);
  return history as EpochRecord[];
}

/**
 * Writes `history.json`.
 *
 * @param dir the run folder.
 * @param history one record per completed epoch.
 */
export async function writeHistory(dir: string, history: readonly EpochRecord[]): Promise<void> {
  await writeFileAtomic(join(dir, "history.json"), JSON.stringify(history, null, 1) + "\n");
}

/**
 * Writes a few images of `data` (two of each class, at most six) into the
 * run's `samples/` as `<class>-<n>.png`, so that a run of built-in data has
 * images to predict on. Returns their paths.
 */
export async function writeSamples(dir: string, data: Dataset): Promise<string[]> {
  const perClass = new Map<number, number>();
  const paths: string[] = [];
  for (const s of data.samples) {
    const n = (perClass.get(s.label) ?? 0) + 1;
    if (n > 2 || paths.length >= 6) continue;
    perClass.set(s.label, n);
    const path = join(dir, SAMPLES_DIR, `${data.classes[s.label]}-${n}.png`);
    await writeFileAtomic(path, await encodePng(s.image));
    paths.push(path);
  }
  return paths;
}
