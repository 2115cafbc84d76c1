/**
 * Lays pictures out in a grid under column titles, with an optional colour
 * bar of the heat maps' scale (turbo, 0 at the bottom, 1 at the top) at the
 * right. The text is drawn with a real font ({@link drawText}), so the
 * figure reads on its own, outside any page.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { figureGrid } from "./figure_grid.ts";
 * import { loadFont } from "./text.ts";
 * const panel = { width: 40, height: 30, data: new Uint8Array(40 * 30 * 3).fill(90) };
 * const fig = figureGrid(await loadFont(), ["image", "map"], [[panel, panel]], { colorbar: "R+" });
 * assert.ok(fig.width > 80 && fig.height > 30); // two titled panels and the colour bar
 * ```
 * @module
 */
import type { RgbImage } from "../data/image.ts";
import { colormap } from "./colormap.ts";
import { drawText, type Font, measureText } from "./text.ts";

/** Layout options. */
export interface GridOptions {
  /** Label of a colour bar drawn at the right; none when absent. */
  colorbar?: string;
  /** Title font size in pixels [13]. */
  titleSize?: number;
}

const GAP = 4;
const MARGIN = 4;
const BAR_WIDTH = 12;
const LABEL_SIZE = 11;
const INK: [number, number, number] = [34, 34, 34];

/** Copies `p` into `fig` with its top-left corner at (x0, y0). */
function blit(fig: RgbImage, p: RgbImage, x0: number, y0: number): void {
  for (let y = 0; y < p.height; y++) {
    fig.data.set(
      p.data.subarray(y * p.width * 3, (y + 1) * p.width * 3),
      3 * ((y0 + y) * fig.width + x0),
    );
  }
}

/** Width of the colour bar's column: the bar, its tick marks and labels. */
function colorbarWidth(font: Font, label: string, titleSize: number): number {
  const ticks = Math.max(...["0", "0.5", "1"].map((t) => measureText(font, t, LABEL_SIZE).width));
  return Math.ceil(Math.max(BAR_WIDTH + 4 + ticks, measureText(font, label, titleSize).width));
}

/**
 * Draws a vertical turbo bar from 1 (top) to 0 (bottom) with ticks at 0, 0.5 and 1.
 *
 * @param fig the picture, drawn on in place.
 * @param font the ticks' font.
 * @param x the bar's left edge.
 * @param y its top.
 * @param height its height.
 */
export function drawColorbar(
  fig: RgbImage,
  font: Font,
  x: number,
  y: number,
  height: number,
): void {
  for (let j = 0; j < height; j++) {
    const rgb = colormap(1 - j / Math.max(1, height - 1));
    for (let i = 0; i < BAR_WIDTH; i++) {
      const edge = i === 0 || i === BAR_WIDTH - 1 || j === 0 || j === height - 1;
      fig.data.set(edge ? INK : rgb, 3 * ((y + j) * fig.width + x + i));
    }
  }
  const lh = measureText(font, "0", LABEL_SIZE).height;
  for (const [t, label] of [[1, "1"], [0.5, "0.5"], [0, "0"]] as const) {
    const ty = y + Math.round((1 - t) * (height - 1));
    for (let i = 0; i < 3; i++) fig.data.set(INK, 3 * (ty * fig.width + x + BAR_WIDTH + i));
    // Labels stay within the bar's span so that none is cut off.
    const top = Math.min(Math.max(ty - lh / 2, y - 2), y + height - lh + 2);
    drawText(fig, font, label, x + BAR_WIDTH + 4, top, { size: LABEL_SIZE, color: INK });
  }
}

/**
 * Composes `rows` (one picture per column in each row) under `titles`.
 * Pictures are centred in their column; each row is as tall as its tallest.
 *
 * @param font the titles' font.
 * @param titles one per column.
 * @param rows the pictures, row by row.
 * @param o gaps, sizes and a colour bar.
 * @returns the figure.
 * @throws {Error} without rows.
 */
export function figureGrid(
  font: Font,
  titles: string[],
  rows: RgbImage[][],
  o: GridOptions = {},
): RgbImage {
  if (rows.length === 0) throw new Error("a figure needs at least one row");
  for (const r of rows) {
    if (r.length !== titles.length) {
      throw new Error(`a figure row has ${r.length} pictures for ${titles.length} columns`);
    }
  }
  const size = o.titleSize ?? 13;
  const colWidths = titles.map((t, k) =>
    Math.max(...rows.map((r) => r[k].width), Math.ceil(measureText(font, t, size).width) + 4)
  );
  const rowHeights = rows.map((r) => Math.max(...r.map((p) => p.height)));
  const header = Math.ceil(measureText(font, "", size).height) + 4;
  const gridWidth = colWidths.reduce((s, w) => s + w, 0) + GAP * (titles.length - 1);
  const gridHeight = rowHeights.reduce((s, h) => s + h, 0) + GAP * (rows.length - 1);
  const barColumn = o.colorbar === undefined ? 0 : 3 * GAP + colorbarWidth(font, o.colorbar, size);
  // A short single row still gets a readable bar.
  const barHeight = Math.max(48, Math.min(rowHeights[0], 256));
  const width = 2 * MARGIN + gridWidth + barColumn;
  const height = 2 * MARGIN + header +
    Math.max(gridHeight, o.colorbar === undefined ? 0 : barHeight + 4);
  const fig: RgbImage = { width, height, data: new Uint8Array(width * height * 3).fill(255) };
  let x = MARGIN;
  titles.forEach((t, k) => {
    drawText(fig, font, t, x + colWidths[k] / 2, MARGIN, { size, color: INK, align: "center" });
    let y = MARGIN + header;
    rows.forEach((r, j) => {
      blit(fig, r[k], x + Math.floor((colWidths[k] - r[k].width) / 2), y);
      y += rowHeights[j] + GAP;
    });
    x += colWidths[k] + GAP;
  });
  if (o.colorbar !== undefined) {
    const bx = MARGIN + gridWidth + 3 * GAP;
    drawText(fig, font, o.colorbar, bx, MARGIN, { size, color: INK });
    drawColorbar(fig, font, bx, MARGIN + header + 2, barHeight);
  }
  return fig;
}
