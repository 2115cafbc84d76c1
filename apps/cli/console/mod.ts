/**
 * The CLI's console output, for the CLI and the project's tasks: progress
 * lines with ETA (of the epoch and of the whole run), `--help` sections,
 * aligned tables, durations, and the scores tables with their trivial-mask
 * floor rows.
 *
 * @example
 * ```ts
 * import { duration } from "@pointwise/cli/console";
 * duration(125); // "2:05"
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
