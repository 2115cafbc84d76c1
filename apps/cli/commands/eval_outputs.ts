/**
 * What `eval` writes per image, whether the maps come from a model or from
 * another tool: `per_image.csv` (the model's class and both heads'
 * probabilities when there is a model, Dice, F1-, IoU and PxAP, mask area),
 * a titled panel per image (`--overlays`) and the report's pictures
 * (`--report`).
 *
 * @example
 * ```ts ignore
 * const outputs = new ImageOutputs({ classes, modelClasses, threshold: 0.5 });
 * await outputs.add(scored);
 * await writeFileAtomic("per_image.csv", outputs.csv());
 * ```
 * @module
 */
import { basename, extname, join } from "node:path";
import type { Sample } from "@pointwise/core/data";
import { encodeImage, encodeWebp, IMAGE_EXTENSIONS, type ImageFormat } from "@pointwise/core/data";
import { type Font, predictionFigure } from "@pointwise/core/viz";
import type { ReportImage } from "@pointwise/core/report";
import { writeFileAtomic } from "../files.ts";
import { csvNumber, csvRow } from "../console/csv.ts";

/** WebP quality of the report's pictures. */
const REPORT_QUALITY = 85;

/** How the pictures are made: the font, the map's name, formats and the report's scale. */
export interface PictureSettings {
  font: Font;
  mapLabel: string;
  format: ImageFormat;
  /** Whole factor every report picture is shrunk by, so that all share one scale. */
  reportShrink: number;
}

/** One scored image, from a model or from a map file. */
export interface ScoredImage {
  sample: Sample;
  /** The map in [0, 1] at the image's size. */
  map: ArrayLike<number>;
  /** map >= threshold. */
  binary: Uint8Array;
  maskArea: number;
  /** The model's class, probabilities of its classifier and of its localizer head. */
  model?: { className: string; probabilities: number[]; localizerProbabilities: number[] };
  f1Pos: number;
  f1Neg: number;
  iou: number;
  pxap: number;
}

/** Options of {@link ImageOutputs}. */
export interface ImageOutputsOptions {
  /** The dataset's classes (labels index them). */
  classes: readonly string[];
  /** The model's classes, when a model made the maps (they head the probability columns). */
  modelClasses?: readonly string[];
  pictures?: PictureSettings;
  /** Folder of the panels. */
  overlays?: string;
  /** Whether report pictures are kept. */
  report?: boolean;
}

/** The cells of one CSV row, before the columns are known. */
interface RowCells {
  head: string[];
  probabilities: string[];
  localizer: string[];
  scores: string[];
}

/** Where per-image results go: the CSV rows, panels and report images. */
export class ImageOutputs {
  readonly #rows: RowCells[] = [];
  readonly reportImages: ReportImage[] = [];

  constructor(readonly o: ImageOutputsOptions) {}

  /**
   * `per_image.csv`: one row per image; scores in percent, probabilities
   * and mask area as fractions, empty where undefined (no mask, no model).
   */
  csv(): string {
    const classes = this.o.modelClasses;
    // The localizer's columns only when an image had them (baselines have one head).
    const loc = classes !== undefined && this.#rows.some((r) => r.localizer.length > 0);
    const header = [
      "image",
      "label",
      ...(classes ? ["predicted", ...classes.map((c) => `prob_${c}`)] : []),
      ...(loc ? classes!.map((c) => `loc_prob_${c}`) : []),
      "dice",
      "f1_neg",
      "iou",
      "pxap",
      "mask_area",
    ];
    const rows = this.#rows.map((r) => [
      ...r.head,
      ...r.probabilities,
      ...(loc ? (r.localizer.length > 0 ? r.localizer : classes!.map(() => "")) : []),
      ...r.scores,
    ]);
    return [header, ...rows].map(csvRow).join("\n") + "\n";
  }

  /** Adds one image: its CSV row, its panel and its report picture. */
  async add(r: ScoredImage): Promise<void> {
    const label = this.o.classes[r.sample.label];
    const prob = (v: number) => csvNumber(v, 6);
    const score = (v: number) => csvNumber(v, 2);
    this.#rows.push({
      head: [r.sample.id, label, ...(r.model ? [r.model.className] : [])],
      probabilities: r.model?.probabilities.map(prob) ?? [],
      localizer: r.model?.localizerProbabilities.map(prob) ?? [],
      scores: [
        score(r.f1Pos),
        score(r.f1Neg),
        score(r.iou),
        score(r.pxap),
        csvNumber(r.maskArea, 4),
      ],
    });
    await this.#pictures(r, label);
  }

  async #pictures(r: ScoredImage, label: string): Promise<void> {
    const pictures = this.o.pictures;
    if (pictures === undefined) return;
    const { font, mapLabel, format, reportShrink } = pictures;
    const figure = (shrink: number) =>
      predictionFigure(font, r.sample.image, r.sample.mask?.data ?? null, r.map, r.binary, {
        shrink,
        mapLabel,
      });
    if (this.o.overlays !== undefined) {
      await writeFileAtomic(
        panelPath(this.o.overlays, r.sample.id, format),
        await encodeImage(figure(1), format),
      );
    }
    if (this.o.report) {
      const small = figure(reportShrink);
      this.reportImages.push({
        id: r.sample.id,
        label,
        predicted: r.model?.className ?? "",
        f1Pos: r.f1Pos,
        f1Neg: r.f1Neg,
        maskArea: r.maskArea,
        picture: {
          bytes: await encodeWebp(small, { quality: REPORT_QUALITY }),
          mediaType: "image/webp",
          width: small.width,
          height: small.height,
        },
      });
    }
  }
}

/** Where `--overlays` puts an image's picture. */
export function panelPath(dir: string, id: string, format: ImageFormat): string {
  return join(dir, `${basename(id, extname(id))}_panel.${IMAGE_EXTENSIONS[format]}`);
}

/** The files `--overlays` will write, so that existing ones are refused before any work. */
export function overlayFiles(
  dataset: { samples: readonly { id: string }[] },
  format: ImageFormat,
  overlays: string,
): string[] {
  return [
    join(overlays, "per_image.csv"),
    ...dataset.samples.map((s) => panelPath(overlays, s.id, format)),
  ];
}

/** `map >= threshold` and the share of the image it covers. */
export function thresholdMap(
  map: ArrayLike<number>,
  threshold: number,
): { binary: Uint8Array; maskArea: number } {
  const binary = new Uint8Array(map.length);
  let on = 0;
  for (let i = 0; i < map.length; i++) {
    binary[i] = map[i] >= threshold ? 1 : 0;
    on += binary[i];
  }
  return { binary, maskArea: map.length > 0 ? on / map.length : 0 };
}
