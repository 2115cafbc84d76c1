/**
 * `pointwise eval`: scores a model on a split (whole images, as the reference
 * evaluates) and prints the metrics table with the trivial-mask floor rows.
 * `--overlays DIR` also writes, per image, a titled panel (image, ground
 * truth, predicted heat map and mask, colour bar) and a per-image CSV.
 *
 * @example
 * ```sh
 * deno task eval --model runs/glas --data ../shared/data/glas --split ../shared/data/glas/split/valid.csv
 * ```
 * @module
 */
import { basename, extname, join } from "node:path";
import { type DataSpec, describeDataSpec } from "@pointwise/core/data";
import { encodeImage, encodeWebp, IMAGE_EXTENSIONS, type ImageFormat } from "@pointwise/core/data";
import { evaluate, type ImageResult } from "@pointwise/core/eval";
import { type Font, loadFont, predictionFigure } from "@pointwise/core/viz";
import { htmlReport, type ReportImage } from "@pointwise/core/report";
import { COMMON_OPTIONS, parseCommand, UsageError } from "../args.ts";
import { BACKEND_HELP } from "../flags/backend_flags.ts";
import { INFERENCE_HELP, MODEL_OPTIONS, openModel } from "../flags/model_flags.ts";
import { IMAGE_HELP, IMAGE_OPTIONS, imageFormat } from "../flags/image_flags.ts";
import { DATA_OPTIONS, dataSpecFromArgs, loadDataWithProgress } from "../flags/data_flags.ts";
import { writeFileAtomic } from "../files.ts";
import { readHistory, readRunInfo, runFolderOf } from "../run_folder.ts";
import { Progress } from "../console/progress.ts";
import {
  floorRows,
  methodName,
  SCORES_LEGEND,
  scoresForReport,
  scoresTable,
} from "../console/scores_table.ts";
import { fmt } from "../console/table.ts";

const OPTIONS = {
  ...COMMON_OPTIONS,
  ...MODEL_OPTIONS,
  ...IMAGE_OPTIONS,
  ...DATA_OPTIONS,
  overlays: { type: "string" },
  report: { type: "string" },
} as const;

/** Report panels are shrunk (by one whole factor for all) to at most this width. */
const REPORT_PANEL_WIDTH = 400;
/** WebP quality of the report's pictures. */
const REPORT_QUALITY = 85;

/** Help text of the command. */
export function evalHelp(): string {
  return `Score a model on a split: classification error, F1+/F1-, PxAP, best-threshold Dice and mIoU.

usage: pointwise eval --model DIR|FILE [--data DIR --split CSV] [--overlays DIR] [--report FILE]

  --model DIR|FILE             run folder (uses best.safetensors), checkpoint file or .onnx model
  --data DIR --split CSV       folder and split file (image,mask,label rows) [DIR/split/test.csv]
                               without --data: the synthetic test set of the model's run
  --overlays DIR               write a picture per image and per_image.csv there
  --report FILE.html           write a self-contained HTML report: scores, training curves of the
                               run, histograms of per-image F1+, F1- and mask area, every image
                               worst to best (WebP, one scale for all, at most 400 px a panel)
${IMAGE_HELP}
${INFERENCE_HELP}
${BACKEND_HELP}`;
}

/**
 * The data to score on: the flags', or without `--data`, the built-in data
 * the model's run trained on (its own test set), when its run folder says.
 */
async function evalData(values: Record<string, unknown>, modelPath: string): Promise<DataSpec> {
  const spec = await dataSpecFromArgs(values, ["test"]);
  if (spec.kind !== "synthetic" || values.dataset !== undefined) return spec;
  if (values["synthetic-size"] !== undefined) return spec;
  const trained = (await readRunInfo(runFolderOf(modelPath)))?.data;
  if (trained?.kind === "digits") return trained;
  if (trained?.kind !== "synthetic") return spec;
  // The run's own test set, unless another size is asked for.
  const test = values["synthetic-test"] === undefined && trained.counts?.test !== undefined
    ? trained.counts.test
    : spec.counts.test;
  return {
    ...spec,
    size: trained.size,
    classes: trained.classes,
    counts: { ...spec.counts, test },
  };
}

/** How the pictures are made: the font, the map's name, formats and the report's scale. */
interface PictureSettings {
  font: Font;
  mapLabel: string;
  format: ImageFormat;
  /** Whole factor every report picture is shrunk by, so that all share one scale. */
  reportShrink: number;
}

/** Where per-image results go: the CSV rows, panels and report images. */
class ImageOutputs {
  readonly rows: string[] = ["image,label,predicted,f1_pos,f1_neg,mask_area"];
  readonly reportImages: ReportImage[] = [];

  constructor(
    readonly classes: readonly string[],
    readonly pictures?: PictureSettings,
    readonly overlays?: string,
    readonly report?: string,
  ) {}

  async add(r: ImageResult): Promise<void> {
    const p = r.prediction;
    const label = this.classes[r.sample.label];
    const row = [r.sample.id, label, p.className, fmt(r.f1Pos, 2), fmt(r.f1Neg, 2)];
    this.rows.push([...row, p.maskArea.toFixed(4)].join(","));
    if (this.pictures === undefined) return;
    const { font, mapLabel, format, reportShrink } = this.pictures;
    const figure = (shrink: number) =>
      predictionFigure(font, r.sample.image, r.sample.mask?.data ?? null, p.mask, p.binary, {
        shrink,
        mapLabel,
      });
    if (this.overlays !== undefined) {
      const stem = basename(r.sample.id, extname(r.sample.id));
      await writeFileAtomic(
        join(this.overlays, `${stem}_panel.${IMAGE_EXTENSIONS[format]}`),
        await encodeImage(figure(1), format),
      );
    }
    if (this.report !== undefined) {
      const small = figure(reportShrink);
      this.reportImages.push({
        id: r.sample.id,
        label,
        predicted: p.className,
        f1Pos: r.f1Pos,
        f1Neg: r.f1Neg,
        maskArea: p.maskArea,
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

/** Runs the command; returns the exit code. */
export async function evalCommand(argv: string[]): Promise<number> {
  const { values } = parseCommand(argv, OPTIONS);
  if (values.help) {
    console.log(evalHelp());
    return 0;
  }
  if (values.model === undefined) throw new UsageError("--model is required");
  const overlays = typeof values.overlays === "string" ? values.overlays : undefined;
  const report = typeof values.report === "string" ? values.report : undefined;
  const format = imageFormat(values);
  const { localizer, path } = await openModel(values);
  try {
    const spec = await evalData(values, path);
    console.error(`data: ${describeDataSpec(spec, "test")}`);
    const dataset = await loadDataWithProgress(spec, "test", { classes: localizer.classes });
    const pictures: PictureSettings | undefined = overlays === undefined && report === undefined
      ? undefined
      : {
        font: await loadFont(),
        mapLabel: localizer.method === "minmax" ? "R+" : "map",
        format,
        reportShrink: Math.max(
          1,
          Math.ceil(Math.max(0, ...dataset.samples.map((s) => s.image.width)) / REPORT_PANEL_WIDTH),
        ),
      };
    const outputs = new ImageOutputs(dataset.classes, pictures, overlays, report);
    const bar = new Progress("evaluating");
    const { summary } = await evaluate(localizer, dataset, {
      onProgress: (d, t) => bar.update(d, t),
      onImage: (r) => outputs.add(r),
    });
    bar.done();
    if (overlays !== undefined) {
      await writeFileAtomic(join(overlays, "per_image.csv"), outputs.rows.join("\n") + "\n");
      console.error(`wrote ${dataset.samples.length} panels and per_image.csv to ${overlays}`);
    }
    const rowsOfScores: [string, typeof summary][] = [
      [methodName(localizer.method), summary],
      ...floorRows(dataset),
    ];
    console.log(`scores of ${path} on ${describeDataSpec(spec, "test")}:`);
    console.log(scoresTable(rowsOfScores));
    console.log(SCORES_LEGEND);
    if (report !== undefined) {
      const html = htmlReport({
        title: `Pointwise evaluation of ${path}`,
        subtitle: `${describeDataSpec(spec, "test")}; ${new Date().toISOString().slice(0, 10)}`,
        table: scoresForReport(rowsOfScores),
        legend: SCORES_LEGEND,
        images: outputs.reportImages,
        history: await readHistory(runFolderOf(path)),
        singleLoss: localizer.method !== "minmax",
      });
      await writeFileAtomic(report, new TextEncoder().encode(html));
      console.error(`wrote the report to ${report}`);
    }
  } finally {
    await localizer.dispose();
  }
  return 0;
}
