/**
 * An anti-aliasing rasteriser for filled outlines (glyphs): each edge adds
 * its signed area to an accumulation buffer, and a running sum along each
 * row gives every pixel's exact coverage (the method of font-rs and
 * stb_truetype). Curves are flattened into short lines first. Contours are
 * filled with the non-zero rule as long as they do not overlap, which holds
 * for the glyphs of ordinary fonts.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { rasterizePath } from "./raster.ts";
 * // A 2x2 square at (1, 1) in a 4x4 grid: four fully covered pixels.
 * const cov = rasterizePath([
 *   { type: "M", x: 1, y: 1 }, { type: "L", x: 3, y: 1 }, { type: "L", x: 3, y: 3 },
 *   { type: "L", x: 1, y: 3 }, { type: "Z" },
 * ], 4, 4);
 * assert.deepEqual(Array.from(cov), [0, 0, 0, 0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 0, 0, 0]);
 * ```
 * @module
 */

/** One drawing command of an outline, in pixel coordinates (y down), as opentype.js gives them. */
export type PathCommand =
  | { type: "M" | "L"; x: number; y: number }
  | { type: "Q"; x1: number; y1: number; x: number; y: number }
  | { type: "C"; x1: number; y1: number; x2: number; y2: number; x: number; y: number }
  | { type: "Z" };

/** Adds the signed area of one edge to `acc` (rows of `w + 2` cells). */
function addLine(
  acc: Float32Array,
  w: number,
  h: number,
  x0: number,
  y0: number,
  x1: number,
  y1: number,
): void {
  if (y0 === y1) return;
  const dir = y0 < y1 ? 1 : -1;
  if (dir < 0) [x0, y0, x1, y1] = [x1, y1, x0, y0];
  const dxdy = (x1 - x0) / (y1 - y0);
  const stride = w + 2;
  // Horizontal clipping is done by clamping: coverage beyond the edges piles up on them.
  const clampX = (x: number) => Math.min(w, Math.max(0, x));
  let x = x0;
  if (y0 < 0) {
    x -= y0 * dxdy;
    y0 = 0;
  }
  const yEnd = Math.min(h, y1);
  for (let y = Math.floor(y0); y < yEnd; y++) {
    const row = y * stride;
    const dy = Math.min(y + 1, yEnd) - Math.max(y, y0);
    const xNext = x + dxdy * dy;
    const d = dy * dir;
    const xa = clampX(Math.min(x, xNext)), xb = clampX(Math.max(x, xNext));
    const ia = Math.floor(xa), ib = Math.ceil(xb);
    if (ib <= ia + 1) {
      // The edge stays within one pixel column: split by its mean position.
      const xm = 0.5 * (xa + xb) - ia;
      acc[row + ia] += d - d * xm;
      acc[row + ia + 1] += d * xm;
    } else {
      const s = 1 / (xb - xa);
      const fa = xa - ia;
      const a0 = 0.5 * s * (1 - fa) * (1 - fa);
      const fb = xb - ib + 1;
      const am = 0.5 * s * fb * fb;
      acc[row + ia] += d * a0;
      if (ib === ia + 2) {
        acc[row + ia + 1] += d * (1 - a0 - am);
      } else {
        const a1 = s * (1.5 - fa);
        acc[row + ia + 1] += d * (a1 - a0);
        for (let xi = ia + 2; xi < ib - 1; xi++) acc[row + xi] += d * s;
        const a2 = a1 + (ib - ia - 3) * s;
        acc[row + ib - 1] += d * (1 - a2 - am);
      }
      acc[row + ib] += d * am;
    }
    x = xNext;
  }
}

/**
 * Pieces a curve is cut into so that the chords stray at most 0.05 px from it:
 * a piece of 1/n of a curve whose second difference is `dd` deviates by
 * about dd / (4 n^2) (quadratic) or 3 dd / (4 n^2) (cubic).
 */
const pieces = (deviation: number) =>
  Math.max(1, Math.min(64, Math.ceil(Math.sqrt(deviation / 0.05))));

/**
 * Coverage (0 to 1) of each pixel of a `width` x `height` grid by the filled outline.
 *
 * @param commands the path: moves, lines, curves, closes.
 * @param width the grid's width.
 * @param height its height.
 * @returns each pixel's coverage, in [0, 1].
 */
export function rasterizePath(
  commands: readonly PathCommand[],
  width: number,
  height: number,
): Float32Array {
  const stride = width + 2;
  const acc = new Float32Array(stride * height + 2);
  let cx = 0, cy = 0, sx = 0, sy = 0;
  const line = (x: number, y: number) => {
    addLine(acc, width, height, cx, cy, x, y);
    cx = x;
    cy = y;
  };
  for (const c of commands) {
    switch (c.type) {
      case "M":
        if (cx !== sx || cy !== sy) line(sx, sy);
        cx = sx = c.x;
        cy = sy = c.y;
        break;
      case "L":
        line(c.x, c.y);
        break;
      case "Q": {
        const x0 = cx, y0 = cy;
        const n = pieces(Math.hypot(x0 - 2 * c.x1 + c.x, y0 - 2 * c.y1 + c.y) / 4);
        for (let i = 1; i <= n; i++) {
          const t = i / n, u = 1 - t;
          line(
            u * u * x0 + 2 * u * t * c.x1 + t * t * c.x,
            u * u * y0 + 2 * u * t * c.y1 + t * t * c.y,
          );
        }
        break;
      }
      case "C": {
        const x0 = cx, y0 = cy;
        const dd = Math.max(
          Math.hypot(x0 - 2 * c.x1 + c.x2, y0 - 2 * c.y1 + c.y2),
          Math.hypot(c.x1 - 2 * c.x2 + c.x, c.y1 - 2 * c.y2 + c.y),
        );
        const n = pieces((3 * dd) / 4);
        for (let i = 1; i <= n; i++) {
          const t = i / n, u = 1 - t;
          const a = u * u * u, b = 3 * u * u * t, e = 3 * u * t * t, f = t * t * t;
          line(a * x0 + b * c.x1 + e * c.x2 + f * c.x, a * y0 + b * c.y1 + e * c.y2 + f * c.y);
        }
        break;
      }
      case "Z":
        line(sx, sy);
        break;
    }
  }
  if (cx !== sx || cy !== sy) line(sx, sy);
  const out = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    let sum = 0;
    for (let x = 0; x < width; x++) {
      sum += acc[y * stride + x];
      out[y * width + x] = Math.min(1, Math.abs(sum));
    }
  }
  return out;
}
