/**
 * Plain-text tables for the terminal: right-aligned numbers, one header.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatTable } from "./table.ts";
 * assert.equal(
 *   formatTable(["method", "F1+"], [["minmax", "61.5"]]),
 *   "method   F1+\n------  ----\nminmax  61.5",
 * );
 * ```
 * @module
 */

/**
 * Formats rows under a header, columns padded to their widest cell.
 *
 * @param header the column names.
 * @param rows the cells, row by row.
 * @returns the table, with a rule under the header.
 */
export function formatTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ");
  return [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}

/**
 * A number with `digits` decimals, or "-" when it is not finite.
 *
 * @param v the number.
 * @param digits decimals.
 * @returns the text.
 */
export function fmt(v: number, digits = 1): string {
  return Number.isFinite(v) ? v.toFixed(digits) : "-";
}

/**
 * Seconds as m:ss or h:mm:ss.
 *
 * @param seconds the time.
 * @returns the text, `?` for a negative or unknown time.
 */
export function duration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return "?";
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, "0");
  return h > 0 ? `${h}:${String(m).padStart(2, "0")}:${ss}` : `${m}:${ss}`;
}
