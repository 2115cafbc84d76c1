/**
 * Split files: one `image,mask,label` row per sample, no header (the layout
 * of the GlaS split files). The mask field may be empty, or the row may be
 * just `image,label`; masks are only needed for evaluation. A fourth field,
 * `image,mask,label,ignore`, names an ignore mask: pixels that evaluation
 * leaves out (wsolevaluation's ignore regions). Blank lines and lines
 * starting with `#` are skipped; a first row `image,mask,label` (or
 * `image,mask,label,ignore`) is taken as a header.
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
  /** The ignore mask, when the row names one. */
  ignore?: string;
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
  // NUL bytes and undecodable bytes: an image or other binary file given as a split file.
  if (text.includes("\u0000") || text.includes("\uFFFD")) {
    throw new Error(`${fileName}: not a split file (it holds binary data, not text lines)`);
  }
  const lines = text.replace(/^\uFEFF/, "").split(/\r?\n/);
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) return;
    const fields = line.split(",").map((f) => f.trim());
    const header = fields.join(",").toLowerCase();
    if (
      rows.length === 0 && (header === "image,mask,label" || header === "image,mask,label,ignore")
    ) {
      return;
    }
    const where = `${fileName}:${i + 1}`;
    let image: string;
    let mask: string | null;
    let label: string;
    let ignore = "";
    if (fields.length === 4) [image, mask, label, ignore] = fields;
    else if (fields.length === 3) [image, mask, label] = fields;
    else if (fields.length === 2) [image, label] = fields, mask = null;
    else {
      throw new Error(
        `${where}: expected 'image,mask,label' (or 'image,mask,label,ignore') but found ` +
          `${fields.length} fields in ${escaped(shortened(line))}`,
      );
    }
    if (image === "") throw new Error(`${where}: the image field is empty`);
    if (label === "") throw new Error(`${where}: the label field is empty`);
    if (ignore !== "" && mask === "") {
      throw new Error(`${where}: an ignore mask needs a mask (it marks pixels outside the object)`);
    }
    const row: SplitRow = { image, mask: mask === "" ? null : mask, label, line: i + 1 };
    if (ignore !== "") row.ignore = ignore;
    rows.push(row);
  });
  if (rows.length === 0) throw new Error(`${fileName}: no rows (the split file is empty)`);
  return rows;
}

function shortened(s: string): string {
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

/**
 * Quotes a split file's field for an error message: in single quotes when it is plain text, and
 * JSON-escaped when it holds a control character, so that none reaches the terminal raw. Long
 * fields are cut at 80 characters.
 *
 * @example
 * ```ts
 * import { quoteField } from "./csv.ts";
 * import assert from "node:assert/strict";
 * assert.equal(quoteField("zebra"), "'zebra'");
 * assert.equal(quoteField("ze\u001b[2Jbra"), '"ze\\u001b[2Jbra"');
 * ```
 */
export function quoteField(s: string): string {
  const cut = shortened(s);
  for (let i = 0; i < cut.length; i++) {
    const c = cut.charCodeAt(i);
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) return escaped(cut);
  }
  return `'${cut}'`;
}

// JSON-quoted with every control character escaped: JSON.stringify escapes C0 controls but leaves
// DEL and the C1 range (which some terminals obey).
function escaped(s: string): string {
  let out = "";
  for (const ch of JSON.stringify(s)) {
    const c = ch.charCodeAt(0);
    out += c >= 0x7f && c <= 0x9f ? `\\u${c.toString(16).padStart(4, "0")}` : ch;
  }
  return out;
}
