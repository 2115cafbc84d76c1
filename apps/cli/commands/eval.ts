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
import { basename, dirname, extname, join } from "node:path";
import {
  decodeCheckpoint,
  encodeImage,
  encodeWebp,
  evaluate,
  htmlReport,
  IMAGE_EXTENSIONS,
  loadFont,
  Localizer,
  predictionFigure,
  type ReportEpoch,
  type ReportImage,
} from "@pointwise/core";
import { COMMON_OPTIONS, parseCommand, str, UsageError } from "../args.ts";
import { BACKEND_HELP, startBackend } from "../flags/backend_flags.ts";
import { INFERENCE_HELP, INFERENCE_OPTIONS, withInferenceFlags } from "../flags/inference_flags.ts";
import { IMAGE_HELP, IMAGE_OPTIONS, imageFormat } from "../flags/image_flags.ts";
import {
  DATA_OPTIONS,
  type DataSpec,
  dataSpecFromArgs,
  describeSpec,
  loadData,
} from "../flags/data_flags.ts";
import { exists, readFileFor, readTextFor, resolveModelPath, writeFileAtomic } from "../files.ts";
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
  ...INFERENCE_OPTIONS,
  ...IMAGE_OPTIONS,
  ...DATA_OPTIONS,
  model: { type: "string" },
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

  --model DIR|FILE             run folder (uses best.safetensors) or checkpoint file
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

/** Runs the command; returns the exit code. */
export async function evalCommand(argv: string[]): Promise<number> {
  const { values } = parseCommand(argv, OPTIONS);
  if (values.help) {
    console.log(evalHelp());
    return 0;
  }
  const model = str(values, "model");
  if (model === undefined) throw new UsageError("--model is required");
  const path = await resolveModelPath(model);
  const checkpoint = withInferenceFlags(
    decodeCheckpoint(await readFileFor(path, "model"), path),
    values,
  );
  let spec = dataSpecFromArgs(values, ["test"]);
  // Without --data, evaluate on the built-in data the model was trained on.
  const runInfo = join(dirname(path), "run.json");
  if (
    spec.kind === "synthetic" && values.dataset === undefined &&
    values["synthetic-size"] === undefined && (await exists(runInfo))
  ) {
    const trained =
      (JSON.parse(await readTextFor(runInfo, "run description")) as { data: DataSpec }).data;
    if (trained.kind === "digits") spec = trained;
    else if (trained.kind === "synthetic") {
      spec = { ...spec, size: trained.size, classes: trained.classes };
      // The run's own test set, unless another size is asked for.
      if (values["synthetic-test"] === undefined && trained.counts?.test !== undefined) {
        spec = { ...spec, counts: { ...spec.counts, test: trained.counts.test } };
      }
    }
  }
  console.error(`data: ${describeSpec(spec, "test")}`);
  const dataset = await loadData(spec, "test", { classes: checkpoint.classes });
  await startBackend(values);
  const localizer = Localizer.fromCheckpoint(checkpoint);
  const overlays = str(values, "overlays");
  const report = str(values, "report");
  const format = imageFormat(values);
  const font = overlays !== undefined || report !== undefined ? await loadFont() : undefined;
  const mapLabel = checkpoint.config.method === "minmax" ? "R+" : "map";
  // One whole shrink factor for every report picture keeps them at one scale.
  const reportShrink = Math.max(
    1,
    Math.ceil(Math.max(0, ...dataset.samples.map((s) => s.image.width)) / REPORT_PANEL_WIDTH),
  );
  const reportImages: ReportImage[] = [];
  const rows: string[] = ["image,label,predicted,f1_pos,f1_neg,mask_area"];
  const bar = new Progress("evaluating");
  const { summary } = await evaluate(localizer, dataset, {
    onProgress: (d, t) => bar.update(d, t),
    onImage: async (r) => {
      const p = r.prediction;
      rows.push(
        [
          r.sample.id,
          dataset.classes[r.sample.label],
          p.className,
          fmt(r.f1Pos, 2),
          fmt(r.f1Neg, 2),
          p.maskArea.toFixed(4),
        ].join(","),
      );
      if (font !== undefined) {
        const figure = (shrink: number) =>
          predictionFigure(font, r.sample.image, r.sample.mask?.data ?? null, p.mask, p.binary, {
            shrink,
            mapLabel,
          });
        if (overlays !== undefined) {
          const stem = basename(r.sample.id, extname(r.sample.id));
          await writeFileAtomic(
            join(overlays, `${stem}_panel.${IMAGE_EXTENSIONS[format]}`),
            await encodeImage(figure(1), format),
          );
        }
        if (report !== undefined) {
          const small = figure(reportShrink);
          reportImages.push({
            id: r.sample.id,
            label: dataset.classes[r.sample.label],
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
    },
  });
  bar.done();
  localizer.dispose();
  if (overlays !== undefined) {
    await writeFileAtomic(join(overlays, "per_image.csv"), rows.join("\n") + "\n");
    console.error(`wrote ${dataset.samples.length} panels and per_image.csv to ${overlays}`);
  }
  const rowsOfScores: [string, typeof summary][] = [
    [methodName(checkpoint.config.method), summary],
    ...floorRows(dataset),
  ];
  console.log(`scores of ${path} on ${describeSpec(spec, "test")}:`);
  console.log(scoresTable(rowsOfScores));
  console.log(SCORES_LEGEND);
  if (report !== undefined) {
    const historyPath = join(dirname(path), "history.json");
    const history = (await exists(historyPath))
      ? JSON.parse(await readTextFor(historyPath, "run history")) as ReportEpoch[]
      : undefined;
    const html = htmlReport({
      title: `Pointwise evaluation of ${path}`,
      subtitle: `${describeSpec(spec, "test")}; ${new Date().toISOString().slice(0, 10)}`,
      table: scoresForReport(rowsOfScores),
      legend: SCORES_LEGEND,
      images: reportImages,
      history,
      singleLoss: checkpoint.config.method !== "minmax",
    });
    await writeFileAtomic(report, new TextEncoder().encode(html));
    console.error(`wrote the report to ${report}`);
  }
  return 0;
}
