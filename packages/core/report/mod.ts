/**
 * The HTML evaluation report: one self-contained page (no scripts, nothing
 * fetched) with the scores table, the run's training curves and per-image
 * score histograms as inline SVG, and every image's panel.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { htmlReport } from "@pointwise/core/report";
 * const html = htmlReport({
 *   title: "runs/synthetic",
 *   subtitle: "64 test images",
 *   table: { headers: ["method", "F1+"], rows: [["min-max", "54.1"]] },
 *   images: [],
 *   history: [{ epoch: 0, train: { total: 2, seg: 0.7, pos: 0.6, neg: 0.7 } }],
 * });
 * assert.match(html, /<svg/); // the training curves, inline
 * assert.doesNotMatch(html, /<script|src="http/); // nothing runs, nothing is fetched
 * ```
 * @module
 */
export {
  htmlReport,
  type ReportEpoch,
  type ReportImage,
  type ReportInput,
  type ReportPicture,
} from "./html_report.ts";
export { type Axis, niceTicks } from "./ticks.ts";
export { binCounts, histogram, lineChart, type Series } from "./svg_charts.ts";
