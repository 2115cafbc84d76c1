/**
 * CSV rows as RFC 4180 writes them: a field with a comma, a quote or a line
 * break is quoted, its quotes doubled. Numbers that are not finite are empty.
 *
 * @example
 * ```ts
 * import { csvRow } from "./csv.ts";
 * csvRow(["a,b.png", 0.5, NaN]); // '"a,b.png",0.5,'
 * ```
 * @module
 */

/** One CSV line (without its line break). */
export function csvRow(cells: readonly (string | number)[]): string {
  return cells.map(csvField).join(",");
}

/** One field. */
export function csvField(v: string | number): string {
  if (typeof v === "number") return Number.isFinite(v) ? String(v) : "";
  return /[",\r\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v;
}

/** A number rounded to `digits` decimals, as a CSV field (empty when not finite). */
export function csvNumber(v: number, digits: number): string {
  return Number.isFinite(v) ? String(Number(v.toFixed(digits))) : "";
}
