/**
 * A 5x7 bitmap font (upper-case letters, digits and a little punctuation),
 * so that figures carry their labels in the picture itself without a font
 * file. Lower-case text is drawn in capitals.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { drawText, GLYPH_HEIGHT, textWidth } from "./bitmap_font.ts";
 * const img = { width: 64, height: 9, data: new Uint8Array(64 * 9 * 3).fill(255) };
 * drawText(img, "CAM", 1, 1, [0, 0, 0]);
 * assert.equal(textWidth("CAM"), 17);
 * assert.equal(GLYPH_HEIGHT, 7);
 * assert.ok(img.data.includes(0)); // some pixels are now black
 * ```
 * @module
 */
import type { RgbImage } from "../data/image.ts";

/** Glyph rows, top to bottom; bit 4 is the leftmost column. */
const GLYPHS: Record<string, number[]> = {
  "A": [14, 17, 17, 31, 17, 17, 17],
  "B": [30, 17, 17, 30, 17, 17, 30],
  "C": [14, 17, 16, 16, 16, 17, 14],
  "D": [30, 17, 17, 17, 17, 17, 30],
  "E": [31, 16, 16, 30, 16, 16, 31],
  "F": [31, 16, 16, 30, 16, 16, 16],
  "G": [14, 17, 16, 23, 17, 17, 15],
  "H": [17, 17, 17, 31, 17, 17, 17],
  "I": [14, 4, 4, 4, 4, 4, 14],
  "J": [7, 2, 2, 2, 2, 18, 12],
  "K": [17, 18, 20, 24, 20, 18, 17],
  "L": [16, 16, 16, 16, 16, 16, 31],
  "M": [17, 27, 21, 21, 17, 17, 17],
  "N": [17, 17, 25, 21, 19, 17, 17],
  "O": [14, 17, 17, 17, 17, 17, 14],
  "P": [30, 17, 17, 30, 16, 16, 16],
  "Q": [14, 17, 17, 17, 21, 18, 13],
  "R": [30, 17, 17, 30, 20, 18, 17],
  "S": [15, 16, 16, 14, 1, 1, 30],
  "T": [31, 4, 4, 4, 4, 4, 4],
  "U": [17, 17, 17, 17, 17, 17, 14],
  "V": [17, 17, 17, 17, 17, 10, 4],
  "W": [17, 17, 17, 21, 21, 21, 10],
  "X": [17, 17, 10, 4, 10, 17, 17],
  "Y": [17, 17, 10, 4, 4, 4, 4],
  "Z": [31, 1, 2, 4, 8, 16, 31],
  "0": [14, 17, 19, 21, 25, 17, 14],
  "1": [4, 12, 4, 4, 4, 4, 14],
  "2": [14, 17, 1, 2, 4, 8, 31],
  "3": [31, 2, 4, 2, 1, 17, 14],
  "4": [2, 6, 10, 18, 31, 2, 2],
  "5": [31, 16, 30, 1, 1, 17, 14],
  "6": [6, 8, 16, 30, 17, 17, 14],
  "7": [31, 1, 2, 4, 8, 8, 8],
  "8": [14, 17, 17, 14, 17, 17, 14],
  "9": [14, 17, 17, 15, 1, 2, 12],
  " ": [0, 0, 0, 0, 0, 0, 0],
  "-": [0, 0, 0, 31, 0, 0, 0],
  "+": [0, 4, 4, 31, 4, 4, 0],
  ".": [0, 0, 0, 0, 0, 12, 12],
  ",": [0, 0, 0, 0, 12, 4, 8],
  ":": [0, 12, 12, 0, 12, 12, 0],
  "%": [24, 25, 2, 4, 8, 19, 3],
  "(": [2, 4, 8, 8, 8, 4, 2],
  ")": [8, 4, 2, 2, 2, 4, 8],
  "/": [0, 1, 2, 4, 8, 16, 0],
  "=": [0, 0, 31, 0, 31, 0, 0],
  "?": [14, 17, 1, 2, 4, 0, 4],
};

/** Glyph height in pixels at scale 1. */
export const GLYPH_HEIGHT = 7;

/** Width in pixels of `text` at `scale` (6 columns per character, less the last gap). */
export function textWidth(text: string, scale = 1): number {
  return text.length === 0 ? 0 : (text.length * 6 - 1) * scale;
}

/** Draws `text` with its top-left corner at (x, y); pixels outside `img` are skipped. */
export function drawText(
  img: RgbImage,
  text: string,
  x: number,
  y: number,
  color: [number, number, number],
  scale = 1,
): void {
  [...text.toUpperCase()].forEach((ch, k) => {
    const rows = GLYPHS[ch] ?? GLYPHS["?"];
    for (let r = 0; r < GLYPH_HEIGHT; r++) {
      for (let c = 0; c < 5; c++) {
        if (!(rows[r] & (16 >> c))) continue;
        for (let dy = 0; dy < scale; dy++) {
          for (let dx = 0; dx < scale; dx++) {
            const px = x + (k * 6 + c) * scale + dx, py = y + r * scale + dy;
            if (px < 0 || py < 0 || px >= img.width || py >= img.height) continue;
            img.data.set(color, 3 * (py * img.width + px));
          }
        }
      }
    }
  });
}
