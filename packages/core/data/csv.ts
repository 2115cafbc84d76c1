/**
 * Split files: one `image,mask,label` row per sample, no header (the layout
 * of the GlaS split files). The mask field may be empty, or the row may be
 * just `image,label`; masks are only needed for evaluation. Blank lines and
 * lines starting with `#` are skipped; a first row `image,mask,label` is
 * taken as a header.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseSplitCsv } from "./csv.ts";
 * const rows = parseSplitCsv("a.png,a_mask.png,benign\nb.png,,malignant\n", "train.csv");
 * assert.deepEqual(rows[1], { image: "b.png", mask: null, label: "malignant", line: 2 });
 * ```
 * @module
 */

/** One row of a split file. */
export interface SplitRow {
  image: string;
  mask: string | null;
  label: string;
  /** 1-based line number in the file. */
  line: number;
}

/**
 * Parses a split file; errors name the file and line.
 *
 * @param text the split file's text.
 * @param fileName the file, for errors.
 * @returns one row per sample.
 * @throws {Error} naming the file and line of a malformed row.
 */
export function parseSplitCsv(text: string, fileName: string): SplitRow[] {
  const rows: SplitRow[] = [];
  const lines = text.replace(/^\uFEFF/, "").split(/\r?\n/);
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) return;
    const fields = line.split(",").map((f) => f.trim());
    if (rows.length === 0 && fields.join(",").toLowerCase() === "image,mask,label") return;
    const where = `${fileName}:${i + 1}`;
    let image: string;
    let mask: string | null;
    let label: string;
    if (fields.length === 3) [image, mask, label] = fields;
    else if (fields.length === 2) [image, label] = fields, mask = null;
    else {
      throw new Error(
        `${where}: expected 'image,mask,label' but found ${fields.length} fields in '${line}'`,
      );
    }
    if (image === "") throw new Error(`${where}: the image field is empty`);
    if (label === "") throw new Error(`${where}: the label field is empty`);
    rows.push({ image, mask: mask === "" ? null : mask, label, line: i + 1 });
  });
  if (rows.length === 0) throw new Error(`${fileName}: no rows (the split file is empty)`);
  return rows;
}
