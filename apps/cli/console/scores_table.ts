/**
 * Console tables of results: per-epoch training rows and evaluation tables
 * with the trivial-mask floor rows.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { syntheticDataset } from "@pointwise/core/data";
 * import { floorRows, scoresTable } from "./scores_table.ts";
 * const dataset = syntheticDataset({ count: 2, size: 64, classes: 2, seed: 3 });
 * const table = scoresTable(floorRows(dataset)); // a model's rows go first
 * assert.match(table, /all-ones mask/);
 * assert.match(table, /all-zeros mask/);
 * ```
 * @module
 */
import type { EpochRecord } from "@pointwise/core/io";
import { constantMaskScores } from "@pointwise/core/eval";
import type { Dataset } from "@pointwise/core/data";
import type { MetricsSummary } from "@pointwise/core/metrics";
import type { Method } from "@pointwise/core/lite";
import { duration, fmt, formatTable } from "./table.ts";

/** Header of the per-epoch table. */
export const EPOCH_HEADER = [
  "epoch",
  "lr",
  "loss",
  "L_seg",
  "L_pos",
  "L_neg",
  "err%",
  "F1+",
  "F1-",
  "PxAP",
  "Dice*",
  "mIoU*",
  "time",
  "",
];

/** One row of the per-epoch table; a baseline has no L_pos or L_neg. */
export function epochRow(r: EpochRecord, epochs: number, minmax = true): string[] {
  const v = r.valid;
  return [
    `${r.epoch + 1}/${epochs}`,
    r.lr.toExponential(1),
    fmt(r.train.total, 3),
    fmt(r.train.seg, 3),
    minmax ? fmt(r.train.pos, 3) : "–",
    minmax ? fmt(r.train.neg, 3) : "–",
    fmt(v.classError),
    fmt(v.f1Pos),
    fmt(v.f1Neg),
    fmt(v.pxap),
    fmt(v.bestDice),
    fmt(v.bestMiou),
    duration(r.seconds),
    r.best ? "best" : "",
  ];
}

/**
 * Prints one epoch row, and the header before the first.
 *
 * @param r the epoch's record.
 * @param epochs epochs in the run, for the `epoch` column.
 * @param first print the header too.
 * @param minmax false for a baseline, which has no L_pos or L_neg.
 */
export function printEpochRow(
  r: EpochRecord,
  epochs: number,
  first: boolean,
  minmax = true,
): void {
  const table = formatTable(EPOCH_HEADER, [epochRow(r, epochs, minmax)]).split("\n");
  if (first) console.log(table.slice(0, 2).join("\n"));
  console.log(table[2]);
}

/**
 * How a method is named in tables.
 *
 * @param method a method's setting.
 * @returns its name in tables and figures (`min-max`, `Grad-CAM`).
 */
export function methodName(method: Method): string {
  return METHOD_NAMES[method];
}

const METHOD_NAMES: Record<Method, string> = {
  minmax: "min-max",
  wildcat: "WILDCAT",
  cam: "CAM",
  gradcam: "Grad-CAM",
  deepmil: "Deep MIL",
};

/**
 * The all-ones and all-zeros rows of a dataset, at the table's threshold, with boxes if asked.
 *
 * @param dataset the scored images.
 * @param o the table's threshold and whether it has boxes.
 * @returns the two floor rows, or none when no image has a mask.
 */
export function floorRows(
  dataset: Dataset,
  o: { threshold?: number; boxes?: boolean } = {},
): [string, MetricsSummary][] {
  if (!dataset.samples.some((s) => s.mask !== null)) return [];
  return [["all-ones mask", constantMaskScores(dataset, 1, o)], [
    "all-zeros mask",
    constantMaskScores(dataset, 0, o),
  ]];
}

/**
 * The cells of a results table: one row per method.
 *
 * @param rows a name and scores per method.
 * @returns the table's header and cells.
 */
export function scoresForReport(
  rows: [string, MetricsSummary][],
): { headers: string[]; rows: string[][] } {
  // MaxBoxAccV2 and its three IoU levels, when it was computed.
  const boxes = rows.some(([, s]) => s.box !== undefined);
  return {
    headers: [
      "method",
      "cl.err%",
      "F1+",
      "F1-",
      "PxAP",
      "Dice*",
      "(t)",
      "mIoU*",
      "(t)",
      ...(boxes ? ["Box@30", "Box@50", "Box@70", "MaxBoxAccV2"] : []),
    ],
    rows: rows.map(([name, s]) => [
      name,
      fmt(s.classError),
      fmt(s.f1Pos),
      fmt(s.f1Neg),
      fmt(s.pxap),
      fmt(s.bestDice),
      fmt(s.bestDiceThreshold, 2),
      fmt(s.bestMiou),
      fmt(s.bestMiouThreshold, 2),
      ...(boxes
        ? s.box
          ? [
            ...([30, 50, 70] as const).map((d) => fmt(s.box!.maxBoxAcc[d])),
            fmt(s.box.maxBoxAccV2),
          ]
          : ["-", "-", "-", "-"]
        : []),
    ]),
  };
}

/**
 * A results table as text: one row per method.
 *
 * @param rows a name and scores per method.
 * @returns the aligned table.
 */
export function scoresTable(rows: [string, MetricsSummary][]): string {
  const t = scoresForReport(rows);
  return formatTable(t.headers, t.rows);
}

/** Explains the columns under a table. */
export const SCORES_LEGEND =
  "F1+/F1-: Dice of foreground/background at threshold 0.5, mean over images; PxAP: pixel " +
  "precision-recall area (wsolevaluation); Dice*/mIoU*: at the best threshold (t).";

/** The legend for a table at `threshold`, with the box columns explained when present. */
export function scoresLegend(threshold = 0.5, boxes = false): string {
  const legend = SCORES_LEGEND.replace("threshold 0.5", `threshold ${threshold}`);
  return boxes
    ? legend + " Box@d: MaxBoxAcc at IoU d% (wsolevaluation's contour boxes, best map " +
      "threshold); MaxBoxAccV2: their mean."
    : legend;
}
