/**
 * Text drawn into pictures with a real font: glyph outlines from
 * opentype.js, filled with anti-aliasing by {@link rasterizePath}. The
 * default face is Noto Sans (SIL Open Font License 1.1), read from the
 * `@fontsource/noto-sans` package through `fetch`, so the same code runs in
 * Deno (`--allow-read`) and in browsers. Characters map one to one to glyphs,
 * with the font's kerning: enough for the Latin labels of figures; no
 * complex-script shaping.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { drawText, loadFont, measureText } from "./text.ts";
 * const font = await loadFont();
 * const img = { width: 80, height: 20, data: new Uint8Array(80 * 20 * 3).fill(255) };
 * drawText(img, font, "F1+ 62.5", 2, 2, { size: 13 });
 * assert.ok(measureText(font, "F1+ 62.5", 13).width > 40);
 * assert.ok(img.data.some((v) => v < 128)); // ink on the white canvas
 * ```
 * @module
 */
import { assetUrl } from "../config/env.ts";
import { parse } from "opentype.js";
import type { RgbImage } from "../data/image.ts";
import { type PathCommand, rasterizePath } from "./raster.ts";

interface OtGlyph {
  index: number;
  advanceWidth?: number;
  getPath(x: number, y: number, size: number): { commands: PathCommand[] };
}

interface OtFont {
  unitsPerEm: number;
  ascender: number;
  descender: number;
  charToGlyph(c: string): OtGlyph;
  getKerningValue(a: OtGlyph, b: OtGlyph): number;
}

/** A parsed font. */
export interface Font {
  readonly face: OtFont;
}

/** Where the text goes and how it looks. */
export interface TextOptions {
  /** Font size in pixels (the em square) [12]. */
  size?: number;
  /** RGB colour [black]. */
  color?: readonly [number, number, number];
  /** Which point of the line box `x` names [left]. */
  align?: "left" | "center" | "right";
}

/** The size of a line of text: `height` is the line box (ascender to descender). */
export interface TextMetrics {
  width: number;
  height: number;
  /** From the top of the line box to the baseline. */
  ascent: number;
}

const DEFAULT_FONT = "@fontsource/noto-sans/files/noto-sans-latin-400-normal.woff";
let defaultFont: Promise<Font> | undefined;

/**
 * Parses TrueType, OpenType or WOFF bytes.
 *
 * @param bytes TrueType, OpenType or WOFF bytes.
 * @returns the font.
 */
export function parseFont(bytes: ArrayBuffer | Uint8Array): Font {
  const buffer = bytes instanceof Uint8Array
    ? bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)
    : bytes;
  return { face: parse(buffer) as unknown as OtFont };
}

/**
 * The default font (Noto Sans Regular), fetched and parsed once.
 *
 * @returns the font.
 * @throws {Error} naming the font file when it cannot be fetched.
 */
export function loadFont(): Promise<Font> {
  defaultFont ??= Promise.resolve().then(() => fetch(assetUrl(DEFAULT_FONT))).then(async (r) => {
    if (!r.ok) throw new Error(`HTTP ${r.status}`);
    return parseFont(await r.arrayBuffer());
  }).catch((e) => {
    defaultFont = undefined;
    throw new Error(`cannot load the figure font ${DEFAULT_FONT}: ${(e as Error).message}`, {
      cause: e,
    });
  });
  return defaultFont;
}

interface Layout {
  glyphs: { glyph: OtGlyph; x: number }[];
  width: number;
  scale: number;
}

function layout(font: Font, text: string, size: number): Layout {
  const f = font.face;
  const scale = size / f.unitsPerEm;
  const glyphs: Layout["glyphs"] = [];
  let pen = 0;
  let prev: OtGlyph | undefined;
  for (const ch of text) {
    const glyph = f.charToGlyph(ch);
    if (prev) pen += f.getKerningValue(prev, glyph) * scale;
    glyphs.push({ glyph, x: pen });
    pen += (glyph.advanceWidth ?? 0) * scale;
    prev = glyph;
  }
  return { glyphs, width: pen, scale };
}

/**
 * The width and line height of `text` at `size` pixels.
 *
 * @param font the font.
 * @param text the text.
 * @param size the font size, in pixels.
 * @returns the width, the height and the ascent.
 */
export function measureText(font: Font, text: string, size = 12): TextMetrics {
  const f = font.face;
  const scale = size / f.unitsPerEm;
  return {
    width: layout(font, text, size).width,
    height: (f.ascender - f.descender) * scale,
    ascent: f.ascender * scale,
  };
}

/**
 * Draws one line of `text` with the top of its line box at `y` and its left
 * edge (or centre, or right edge, per `align`) at `x`, blending the glyphs'
 * coverage over the image; whatever falls outside `img` is skipped.
 *
 * @param img the picture, drawn on in place.
 * @param font the font.
 * @param text the text.
 * @param x the left edge.
 * @param y the top of the line box.
 * @param o the size and colour.
 */
export function drawText(
  img: RgbImage,
  font: Font,
  text: string,
  x: number,
  y: number,
  o: TextOptions = {},
): void {
  const size = o.size ?? 12;
  const color = o.color ?? [0, 0, 0];
  const { glyphs, width } = layout(font, text, size);
  const left = o.align === "center" ? x - width / 2 : o.align === "right" ? x - width : x;
  // A whole-pixel baseline keeps horizontal strokes sharp.
  const baseline = Math.round(y + measureText(font, "", size).ascent);
  const commands = glyphs.flatMap((g) => g.glyph.getPath(left + g.x, baseline, size).commands);
  let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
  for (const c of commands) {
    if (c.type === "Z") continue;
    const xs = c.type === "C" ? [c.x, c.x1, c.x2] : c.type === "Q" ? [c.x, c.x1] : [c.x];
    const ys = c.type === "C" ? [c.y, c.y1, c.y2] : c.type === "Q" ? [c.y, c.y1] : [c.y];
    x0 = Math.min(x0, ...xs), x1 = Math.max(x1, ...xs);
    y0 = Math.min(y0, ...ys), y1 = Math.max(y1, ...ys);
  }
  if (!(x1 > x0 && y1 > y0)) return;
  const bx = Math.floor(x0), by = Math.floor(y0);
  const bw = Math.ceil(x1) - bx + 1, bh = Math.ceil(y1) - by + 1;
  const local = commands.map((c): PathCommand => {
    switch (c.type) {
      case "Z":
        return c;
      case "Q":
        return { type: "Q", x1: c.x1 - bx, y1: c.y1 - by, x: c.x - bx, y: c.y - by };
      case "C":
        return {
          type: "C",
          x1: c.x1 - bx,
          y1: c.y1 - by,
          x2: c.x2 - bx,
          y2: c.y2 - by,
          x: c.x - bx,
          y: c.y - by,
        };
      default:
        return { type: c.type, x: c.x - bx, y: c.y - by };
    }
  });
  const coverage = rasterizePath(local, bw, bh);
  for (let j = 0; j < bh; j++) {
    const py = by + j;
    if (py < 0 || py >= img.height) continue;
    for (let i = 0; i < bw; i++) {
      const px = bx + i, a = coverage[j * bw + i];
      if (a === 0 || px < 0 || px >= img.width) continue;
      const k = 3 * (py * img.width + px);
      for (let c = 0; c < 3; c++) {
        img.data[k + c] = Math.round(img.data[k + c] * (1 - a) + color[c] * a);
      }
    }
  }
}
