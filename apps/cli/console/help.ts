/**
 * The layout of every command's `--help`: titled sections of options, each
 * option's text in one column and wrapped, so that no line is wider than
 * {@link HELP_WIDTH} columns (the width `deno fmt` keeps the code to). A flag
 * too long for its column gets a line of its own.
 *
 * @example
 * ```ts
 * import { helpSection } from "./help.ts";
 * helpSection("output", [["--out DIR", "where to write [predictions]"]]);
 * // "output:\n  --out DIR                    where to write [predictions]"
 * ```
 * @module
 */

/** No help line is wider than this. */
export const HELP_WIDTH = 100;

/** Options are indented by this much. */
const INDENT = 2;
/** Column (from 0) where option texts start. */
export const TEXT_COLUMN = 31;

/** One option: its flag with its argument (`--out DIR`), and what it does. */
export type HelpRow = readonly [flag: string, text: string];

/** The words of `text` in lines of at most `width` characters (a longer word stays whole). */
export function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/).filter((w) => w !== "")) {
    if (line !== "" && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line === "" ? word : `${line} ${word}`;
  }
  if (line !== "") lines.push(line);
  return lines;
}

/** Option rows, aligned and wrapped, without a title; texts start at `column`. */
export function helpRows(rows: readonly HelpRow[], column = TEXT_COLUMN): string {
  const pad = " ".repeat(column);
  const out: string[] = [];
  for (const [flag, text] of rows) {
    const lines = wrap(text, HELP_WIDTH - column);
    const head = " ".repeat(INDENT) + flag;
    if (head.length >= column - 1) {
      out.push(head, ...lines.map((l) => pad + l));
    } else {
      out.push(head.padEnd(column) + (lines[0] ?? ""), ...lines.slice(1).map((l) => pad + l));
    }
  }
  return out.join("\n");
}

/** A titled section: `title:` then its options, their texts starting at `column`. */
export function helpSection(title: string, rows: readonly HelpRow[], column?: number): string {
  return `${title}:\n${helpRows(rows, column)}`;
}

/** A paragraph of prose wrapped to {@link HELP_WIDTH}. */
export function helpParagraph(text: string): string {
  return wrap(text, HELP_WIDTH).join("\n");
}
