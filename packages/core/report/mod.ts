/**
 * The HTML evaluation report: one self-contained page (no scripts, nothing
 * fetched) with the scores table, the run's training curves and per-image
 * score histograms as inline SVG, and every image's panel.
 *
 * @example
 * ```ts ignore
 * import { htmlReport } from "@pointwise/core/report";
 * const html = htmlReport({ title, subtitle, table, legend, images, history });
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
