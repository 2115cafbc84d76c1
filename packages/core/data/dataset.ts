/**
 * A dataset is a folder plus a split file. Every row is read, decoded and
 * checked before anything else happens, so a bad file fails up front with
 * its split file and line named. File access is injected, which keeps this
 * module free of any runtime-specific API.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadSplit } from "./dataset.ts";
 * import { encodeMaskPng, encodePng } from "./encode.ts";
 * // The files of a folder, here in memory (a CLI passes Deno.readFile).
 * const files = new Map([
 *   ["a.png", await encodePng({ width: 2, height: 2, data: new Uint8Array(12).fill(90) })],
 *   ["a_mask.png", await encodeMaskPng({ width: 2, height: 2, data: Uint8Array.of(1, 0, 0, 0) })],
 * ]);
 * const ds = await loadSplit({
 *   csvText: "a.png,a_mask.png,malignant\n",
 *   csvName: "split/train.csv",
 *   read: (p) => Promise.resolve(files.get(p)!),
 *   classes: ["benign", "malignant"],
 * });
 * assert.equal(ds.samples[0].label, 1);
 * assert.deepEqual(Array.from(ds.samples[0].mask!.data), [1, 0, 0, 0]);
 * await assert.rejects(
 *   loadSplit({ csvText: "b.png,,benign\n", csvName: "split/valid.csv", read: () => Promise.reject(new Error("no such file")) }),
 *   /split\/valid\.csv:1: cannot read b\.png/,
 * );
 * ```
 * @module
 */
import { parseSplitCsv, quoteField } from "./csv.ts";
import { type BinaryMask, decodeImage, decodeMask, type RgbImage } from "./image.ts";

/** One image with its label and, when known, its ground-truth mask. */
export interface Sample {
  /** The image path as written in the split file. */
  id: string;
  image: RgbImage;
  mask: BinaryMask | null;
  label: number;
  /**
   * Pixels that evaluation leaves out (wsolevaluation's ignore regions): 1
   * where the ignore mask is non-zero and the mask is not.
   */
  ignore?: BinaryMask;
}

/** Samples plus the class names their labels index. */
export interface Dataset {
  classes: string[];
  samples: Sample[];
}

/** Reads a file named relative to the dataset folder. */
export type ReadFile = (path: string) => Promise<Uint8Array>;

/** How to load a split. */
export interface LoadSplitOptions {
  csvText: string;
  /** Name of the split file, for messages. */
  csvName: string;
  read: ReadFile;
  /** Class names; when absent they are the sorted distinct labels. */
  classes?: string[];
  /** Fail when a row has no mask (evaluation needs them). */
  requireMasks?: boolean;
  /** Called after each row is loaded. */
  onProgress?: (done: number, total: number) => void;
  /**
   * Let rows name files outside the dataset folder (absolute paths, or `..`
   * past the folder). Off by default: a split file from elsewhere must not
   * make the loader open arbitrary files.
   */
  allowOutside?: boolean;
}

/** A split file that cannot be loaded: every problem, with its file and line. */
export class SplitFileError extends Error {
  override name = "SplitFileError";

  /**
   * @param csvName the split file.
   * @param problems one line per problem, `file:line: what`.
   * @param outside some rows name files outside the dataset folder.
   */
  constructor(
    readonly csvName: string,
    readonly problems: string[],
    readonly outside: boolean,
  ) {
    const more = problems.length >= MAX_REPORTED ? "\n  (stopped after 20 problems)" : "";
    super(`cannot load ${csvName}:\n  ${problems.join("\n  ")}${more}`);
  }
}

/**
 * Why a path named in a split file leaves the dataset folder, or null when it
 * stays inside: an absolute path (`/x`, `\\x`, `C:\\x`), or `..` segments
 * that climb above it. Both `/` and `\\` count as separators.
 *
 * @example
 * ```ts
 * import { outsidePathProblem } from "./dataset.ts";
 * outsidePathProblem("img/../a.png"); // null
 * outsidePathProblem("../../etc/passwd"); // "it climbs out of the dataset folder with '..'"
 * ```
 */
export function outsidePathProblem(path: string): string | null {
  if (/^([\\/]|[A-Za-z]:)/.test(path)) return "it is an absolute path";
  let depth = 0;
  for (const part of path.split(/[\\/]+/)) {
    if (part === "..") depth--;
    else if (part !== "." && part !== "") depth++;
    if (depth < 0) return "it climbs out of the dataset folder with '..'";
  }
  return null;
}

/**
 * Sorted distinct labels ("natural" order, so "2" comes before "10").
 *
 * @param labels the labels of a split file.
 * @returns its classes.
 */
export function classesFromLabels(labels: Iterable<string>): string[] {
  return [...new Set(labels)].sort((a, b) => a.localeCompare(b, "en", { numeric: true }));
}

const MAX_REPORTED = 20;

/**
 * Loads and validates every row of a split file.
 *
 * @param o the split file's text and name, how to read files, the classes.
 * @returns the images, masks and labels.
 * @throws {Error} naming the split file and line of every problem (at most 20).
 */
export async function loadSplit(o: LoadSplitOptions): Promise<Dataset> {
  const rows = parseSplitCsv(o.csvText, o.csvName);
  const classes = o.classes ?? classesFromLabels(rows.map((r) => r.label));
  const problems: string[] = [];
  const samples: Sample[] = [];
  let outside = false;
  let done = 0;
  for (const row of rows) {
    const where = `${o.csvName}:${row.line}`;
    try {
      for (const [what, p] of [["image", row.image], ["mask", row.mask]] as const) {
        if (p === null || o.allowOutside) continue;
        const why = outsidePathProblem(p);
        if (why !== null) {
          outside = true;
          const shown = quoteField(p);
          throw new Error(
            `${what} path ${shown} is refused: ${why} (paths are relative to the dataset folder)`,
          );
        }
      }
      const label = classes.indexOf(row.label);
      if (label < 0) {
        throw new Error(`unknown label ${quoteField(row.label)} (classes: ${classes.join(", ")})`);
      }
      const image = await decodeImage(await readNamed(o.read, row.image), row.image);
      let mask: BinaryMask | null = null;
      if (row.mask !== null) {
        mask = await decodeMask(await readNamed(o.read, row.mask), row.mask);
        if (mask.width !== image.width || mask.height !== image.height) {
          throw new Error(
            `mask ${row.mask} is ${mask.width}x${mask.height} but image ${row.image} is ` +
              `${image.width}x${image.height}`,
          );
        }
      } else if (o.requireMasks) {
        throw new Error(`no mask for ${row.image}, and evaluation needs one`);
      }
      const sample: Sample = { id: row.image, image, mask, label };
      if (row.ignore !== undefined) {
        sample.ignore = ignoreRegion(
          await decodeMask(await readNamed(o.read, row.ignore), row.ignore),
          mask!,
          row.ignore,
        );
      }
      samples.push(sample);
    } catch (e) {
      problems.push(`${where}: ${(e as Error).message}`);
      if (problems.length >= MAX_REPORTED) break;
    }
    o.onProgress?.(++done, rows.length);
  }
  if (problems.length > 0) throw new SplitFileError(o.csvName, problems, outside);
  return { classes, samples };
}

/**
 * The pixels to leave out, as wsolevaluation's `get_mask` takes them: the
 * ignore mask's non-zero pixels that are not foreground (foreground wins).
 */
function ignoreRegion(ignore: BinaryMask, mask: BinaryMask, name: string): BinaryMask {
  if (ignore.width !== mask.width || ignore.height !== mask.height) {
    throw new Error(
      `ignore mask ${name} is ${ignore.width}x${ignore.height} but the mask is ` +
        `${mask.width}x${mask.height}`,
    );
  }
  const data = new Uint8Array(ignore.data.length);
  for (let i = 0; i < data.length; i++) data[i] = ignore.data[i] && !mask.data[i] ? 1 : 0;
  return { width: ignore.width, height: ignore.height, data };
}

async function readNamed(read: ReadFile, path: string): Promise<Uint8Array> {
  try {
    return await read(path);
  } catch (e) {
    const msg = (e as Error).message ?? String(e);
    throw new Error(`cannot read ${path}: ${msg}`);
  }
}
