/**
 * MaxPoolGrad's loop: routes dy to the first maximum of every pooling window,
 * per channel (the window is the geometry's kh x kw). dx must start at zero.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { maxPoolGradLoop } from "./max_pool_loop.ts";
 * // One 2x2 window whose maximum (-1) is negative: the gradient still reaches it.
 * const dx = new Float32Array(4);
 * maxPoolGradLoop(Float32Array.of(-3, -1, -2, -4), Float32Array.of(1), dx, { batch: 1, inH: 2,
 *   inW: 2, channels: 1, outH: 1, outW: 1, kh: 2, kw: 2, sh: 2, sw: 2, top: 0, left: 0 });
 * assert.deepEqual(Array.from(dx), [0, 1, 0, 0]);
 * ```
 * @module
 */
import type { Col2ImGeometry } from "./col2im.ts";

/** Adds each dy to dx at its window's first maximum. */
export function maxPoolGradLoop(
  x: Float32Array,
  g: Float32Array,
  dx: Float32Array,
  geo: Col2ImGeometry,
): void {
  const { batch: batchSize, inH: inHeight, inW: inWidth, channels: ch, outH: outHeight } = geo;
  const { outW: outWidth, sh, sw, kh: fh, kw: fw, top, left } = geo;
  const rowStride = inWidth * ch;
  // Channels innermost, as the data lies: one contiguous run per window cell.
  // The scan order per channel (rows, then columns) keeps the first maximum.
  const best = new Float32Array(ch);
  const at = new Int32Array(ch);
  for (let b = 0; b < batchSize; b++) {
    const xBase = b * inHeight * rowStride;
    for (let oy = 0; oy < outHeight; oy++) {
      const y0 = oy * sh - top;
      const yStart = Math.max(0, y0);
      const yEnd = Math.min(inHeight, y0 + fh);
      for (let ox = 0; ox < outWidth; ox++) {
        const x0 = ox * sw - left;
        const xStart = Math.max(0, x0);
        const xEnd = Math.min(inWidth, x0 + fw);
        if (yStart >= yEnd || xStart >= xEnd) continue;
        const gBase = ((b * outHeight + oy) * outWidth + ox) * ch;
        let first = true;
        for (let y = yStart; y < yEnd; y++) {
          for (let xx = xStart; xx < xEnd; xx++) {
            const i = xBase + y * rowStride + xx * ch;
            if (first) {
              for (let c = 0; c < ch; c++) {
                best[c] = x[i + c];
                at[c] = i + c;
              }
              first = false;
              continue;
            }
            for (let c = 0; c < ch; c++) {
              const v = x[i + c];
              if (v > best[c]) {
                best[c] = v;
                at[c] = i + c;
              }
            }
          }
        }
        for (let c = 0; c < ch; c++) dx[at[c]] += g[gBase + c];
      }
    }
  }
}
