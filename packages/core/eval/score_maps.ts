/**
 * Scores heat maps made elsewhere (pytorch-grad-cam, TorchCAM, another
 * WSOL code base) against a dataset, as wsolevaluation's `evaluate_wsol`
 * scores a folder of `.npy` maps, and gives the summary `evaluate()` gives
 * for a model (the class error is NaN: a map names no class).
 *
 * Maps are `.npy` float32/float64 2-D arrays or 8/16-bit grayscale PNGs
 * (`heatmap_png.ts`), one per image, matched by the image's stem:
 * `train_1.png` takes `train_1.npy` or `train_1.png`, and also
 * `train_1.png.npy`, the name `np.save` gives wsolevaluation's maps, and
 * `train_1_heatmap.npy` or `.png`, the names `predict --heatmap` writes. Like
 * `evaluate_wsol` (whose maps must have "the height and width of the
 * original image" and values in [0, 1]), a map of another size or with a
 * value outside [0, 1] or NaN is refused, naming the file: no resizing is
 * done here (wsolevaluation's own inference resizes with bicubic
 * interpolation and min-max normalises before it saves; do that when the
 * maps are made). Every image needs its map; maps matching no image are
 * reported, not scored.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { syntheticDataset } from "../data/synthetic.ts";
 * import { encodeNpy } from "../io/npy.ts";
 * import { scoreHeatmaps } from "./score_maps.ts";
 * // Maps made elsewhere, one .npy per image (a folder read with Deno.readFile in practice):
 * // here each image's own ground truth, a perfect map.
 * const dataset = syntheticDataset({ count: 2, size: 64, classes: 2, seed: 3 });
 * const files = new Map(dataset.samples.map((s) => [
 *   s.id.replace(/\.png$/, ".npy"),
 *   encodeNpy(Float32Array.from(s.mask!.data), [64, 64]),
 * ]));
 * const { summary, unused } = await scoreHeatmaps(dataset, {
 *   names: [...files.keys()],
 *   read: (n) => Promise.resolve(files.get(n)!),
 *   folder: "cams",
 * });
 * assert.deepEqual([summary.f1Pos, summary.f1Neg, summary.pxap, unused], [100, 100, 100, []]);
 * ```
 * @module
 */
import type { Dataset, Sample } from "../data/dataset.ts";
import { decodeHeatmapPng } from "../io/heatmap_png.ts";
import { decodeNpy, isNpy } from "../io/npy.ts";
import {
  type ImageScores,
  LocalizationMetrics,
  type MetricsSummary,
} from "../metrics/localization_metrics.ts";

/** A decoded heat map, values in [0, 1] (checked), row-major. */
export interface Heatmap {
  width: number;
  height: number;
  data: Float32Array | Float64Array;
}

/** Where the maps are: file names in one folder and a way to read them. */
export interface HeatmapFiles {
  /** File names (not paths) in the folder. */
  names: string[];
  read(name: string): Promise<Uint8Array>;
  /** The folder, for messages. */
  folder: string;
}

/** One scored map: the sample, its map file, the map and its scores (NaN without a mask). */
export interface MapResult extends Omit<ImageScores, "correct"> {
  sample: Sample;
  file: string;
  map: Heatmap;
}

/** Options of {@link scoreHeatmaps}. */
export interface ScoreHeatmapsOptions {
  /** Also compute MaxBoxAccV2. */
  boxes?: boolean;
  /** Where F1+, F1- and IoU cut the maps [0.5]. */
  threshold?: number;
  onProgress?: (done: number, total: number) => void;
  /** Called with each image's result, e.g. for a per-image table. */
  onImage?: (r: MapResult) => void | Promise<void>;
}

const PNG = [0x89, 0x50, 0x4e, 0x47];
const IMAGE_EXTENSIONS = /\.(png|jpe?g|tiff?|webp|bmp)$/i;

/**
 * Decodes a `.npy` or PNG heat map and checks its values; `name` goes into every error.
 *
 * @param bytes a `.npy` (2-D, float) or 8/16-bit grayscale PNG file.
 * @param name the file, named in every error.
 * @returns the map.
 * @throws {Error} naming the file for another shape or type, or a value outside [0, 1].
 */
export function decodeHeatmap(bytes: Uint8Array, name: string): Heatmap {
  let map: Heatmap;
  if (isNpy(bytes)) {
    const a = decodeNpy(bytes, name);
    if (a.shape.length !== 2) {
      throw new Error(`${name}: shape (${a.shape.join(", ")}); a heat map is 2-D (height, width)`);
    }
    map = { height: a.shape[0], width: a.shape[1], data: a.data };
  } else if (PNG.every((b, i) => bytes[i] === b)) {
    map = decodeHeatmapPng(bytes, name);
  } else throw new Error(`${name}: not a heat map (.npy or grayscale PNG)`);
  for (let i = 0; i < map.data.length; i++) {
    const v = map.data[i];
    if (!(v >= 0 && v <= 1)) {
      throw new Error(
        `${name}: value ${v} at (${i % map.width}, ${Math.floor(i / map.width)}) is outside ` +
          "[0, 1] (normalise the map first, as wsolevaluation requires)",
      );
    }
  }
  return map;
}

/**
 * The image stem a map file stands for: `a.npy`, `a.png`, `a.png.npy` and
 * `a_heatmap.npy` / `a_heatmap.png` (what `predict --heatmap` writes) all
 * give `a`.
 *
 * @param fileName a map file's name.
 */
export function mapStem(fileName: string): string | null {
  const m = /^(.*)\.(npy|png)$/i.exec(fileName);
  if (m === null || m[1] === "") return null;
  const stem = m[1].replace(IMAGE_EXTENSIONS, "").replace(/_heatmap$/, "");
  return stem === "" ? null : stem;
}

function imageStem(id: string): string {
  const base = id.split(/[\\/]/).pop()!;
  return base.replace(/\.[^.]*$/, "");
}

/**
 * Scores one map per image of `dataset`; throws naming every missing or ambiguous map.
 *
 * @param dataset the images, with masks.
 * @param files the maps' folder: names and how to read them.
 * @param o box accuracy, progress.
 * @returns the scores, the accumulator, and the maps no image took.
 * @throws {Error} naming every image without a map, or with two, and every map of the wrong size.
 */
export async function scoreHeatmaps(
  dataset: Dataset,
  files: HeatmapFiles,
  o: ScoreHeatmapsOptions = {},
): Promise<{ summary: MetricsSummary; metrics: LocalizationMetrics; unused: string[] }> {
  const byStem = new Map<string, string[]>();
  for (const name of files.names) {
    const stem = mapStem(name);
    if (stem !== null) byStem.set(stem, [...(byStem.get(stem) ?? []), name]);
  }
  const problems: string[] = [];
  const chosen = new Map<string, string>();
  const stems = new Map<string, string>();
  for (const s of dataset.samples) {
    const stem = imageStem(s.id);
    const other = stems.get(stem);
    if (other !== undefined) problems.push(`images ${other} and ${s.id} share the stem '${stem}'`);
    stems.set(stem, s.id);
    const found = byStem.get(stem) ?? [];
    if (found.length === 0) problems.push(`no map for ${s.id} (${stem}.npy or ${stem}.png)`);
    else if (found.length > 1) {
      problems.push(`${s.id} has ${found.length} maps: ${found.join(", ")}`);
    } else chosen.set(s.id, found[0]);
  }
  if (problems.length > 0) {
    const shown = problems.slice(0, 20).join("\n  ");
    const more = problems.length > 20 ? `\n  (and ${problems.length - 20} more)` : "";
    throw new Error(`${files.folder}: the maps do not match the images:\n  ${shown}${more}`);
  }
  const metrics = new LocalizationMetrics({ boxes: o.boxes, threshold: o.threshold });
  let done = 0;
  for (const s of dataset.samples) {
    const name = chosen.get(s.id)!;
    const where = `${files.folder}/${name}`;
    let bytes: Uint8Array;
    try {
      bytes = await files.read(name);
    } catch (e) {
      throw new Error(`cannot read ${where}: ${(e as Error).message}`);
    }
    const map = decodeHeatmap(bytes, where);
    if (map.width !== s.image.width || map.height !== s.image.height) {
      throw new Error(
        `${where} is ${map.width}x${map.height} but image ${s.id} is ${s.image.width}x` +
          `${s.image.height}: maps are scored at the image's size, as wsolevaluation does ` +
          "(resize them when they are made)",
      );
    }
    metrics.add({
      scores: map.data,
      gt: s.mask?.data ?? null,
      predicted: s.label,
      label: s.label,
      width: map.width,
      ignore: s.ignore?.data,
    });
    const { correct: _, ...scores } = metrics.perImage[metrics.perImage.length - 1];
    await o.onImage?.({ sample: s, file: name, map, ...scores });
    o.onProgress?.(++done, dataset.samples.length);
  }
  const used = new Set(chosen.values());
  const unused = files.names.filter((n) => mapStem(n) !== null && !used.has(n));
  return { summary: { ...metrics.summary(), classError: NaN }, metrics, unused };
}
