/**
 * The CLI's console output, for the CLI and the project's tasks: progress
 * lines with ETA (of the epoch and of the whole run), `--help` sections,
 * aligned tables, durations, and the scores tables with their trivial-mask
 * floor rows.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { duration, fmt } from "@pointwise/cli/console";
 * assert.equal(duration(125), "2:05");
 * assert.equal(duration(3725), "1:02:05");
 * assert.equal(fmt(NaN), "-");
 * ```
 * @module
 */
export { Progress } from "./progress.ts";
export { HELP_WIDTH, helpParagraph, type HelpRow, helpRows, helpSection } from "./help.ts";
export { RunEta } from "./run_eta.ts";
export { duration, fmt, formatTable } from "./table.ts";
export {
  floorRows,
  methodName,
  printEpochRow,
  SCORES_LEGEND,
  scoresForReport,
  scoresTable,
} from "./scores_table.ts";
