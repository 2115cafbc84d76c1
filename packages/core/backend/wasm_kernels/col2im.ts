/**
 * col2im: sums image columns back into an NHWC image, the adjoint of the
 * im2col that a convolution reads. With it the input gradient of a strided
 * convolution is one matrix product dy x W^T and this scatter, where the
 * zero-stuffed convolution spends stride^2 times the multiplications on zeros.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { col2im } from "./col2im.ts";
 * // A 1x3 image under a 1x2 window, stride 1: the middle pixel is read twice.
 * const dx = new Float32Array(3);
 * col2im(Float32Array.of(1, 1, 1, 1), dx, { batch: 1, inH: 1, inW: 3, channels: 1, outH: 1,
 *   outW: 2, kh: 1, kw: 2, sh: 1, sw: 1, top: 0, left: 0 });
 * assert.deepEqual(Array.from(dx), [1, 2, 1]);
 * ```
 * @module
 */

import type { tf } from "../tf.ts";

/** The geometry of the convolution whose image columns are read or summed. */
export interface Col2ImGeometry {
  batch: number;
  inH: number;
  inW: number;
  channels: number;
  outH: number;
  outW: number;
  kh: number;
  kw: number;
  sh: number;
  sw: number;
  top: number;
  left: number;
}

/** The geometry of a convolution or pooling (tfjs describes both by a Conv2DInfo). */
export function geometryOf(info: tf.backend_util.Conv2DInfo): Col2ImGeometry {
  return {
    batch: info.batchSize,
    inH: info.inHeight,
    inW: info.inWidth,
    channels: info.inChannels,
    outH: info.outHeight,
    outW: info.outWidth,
    kh: info.filterHeight,
    kw: info.filterWidth,
    sh: info.strideHeight,
    sw: info.strideWidth,
    top: info.padInfo.top,
    left: info.padInfo.left,
  };
}

/**
 * dx[b, oy*sh + i - top, ox*sw + j - left, c] += cols[b, oy, ox, i, j, c] for
 * every tap that lands inside the image. `dx` must start at zero.
 */
export function col2im(cols: Float32Array, dx: Float32Array, g: Col2ImGeometry): void {
  const { batch, inH, inW, channels: ch, outH, outW, kh, kw, sh, sw, top, left } = g;
  const rowLen = inW * ch;
  let s = 0;
  for (let b = 0; b < batch; b++) {
    const imageBase = b * inH * rowLen;
    for (let oy = 0; oy < outH; oy++) {
      for (let ox = 0; ox < outW; ox++) {
        for (let i = 0; i < kh; i++) {
          const y = oy * sh + i - top;
          if (y < 0 || y >= inH) {
            s += kw * ch;
            continue;
          }
          const rowBase = imageBase + y * rowLen;
          for (let j = 0; j < kw; j++, s += ch) {
            const x = ox * sw + j - left;
            if (x < 0 || x >= inW) continue;
            let d = rowBase + x * ch;
            for (let c = 0; c < ch; c++, d++) dx[d] += cols[s + c];
          }
        }
      }
    }
  }
}
