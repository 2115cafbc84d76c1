/**
 * Pictures of a prediction: the mask scores as a heat map blended over the
 * image, with the outline of the binary mask drawn on top, and a side-by-side
 * panel (image, ground truth, prediction) for reports.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { heatmapOverlay } from "./overlay.ts";
 * const image = { width: 3, height: 3, data: new Uint8Array(27) };
 * const scores = Float32Array.of(0, 0, 0, 0, 1, 0, 0, 0, 0);
 * const binary = Uint8Array.of(0, 0, 0, 0, 1, 0, 0, 0, 0);
 * const picture = heatmapOverlay(image, scores, binary);
 * assert.deepEqual(Array.from(picture.data.subarray(12, 15)), [255, 255, 255]); // outlined
 * ```
 * @module
 */
import type { RgbImage } from "../data/image.ts";
import { colormap } from "./colormap.ts";

/**
 * Blends the heat map of `scores` (in [0, 1]) over `image`; outlines `binary`.
 *
 * @param image the image.
 * @param scores the map, in [0, 1], one value per pixel.
 * @param binary the mask to outline, 0/1.
 * @param alpha the heat map's weight.
 * @returns the picture.
 * @throws {Error} when the map's size is not the image's.
 */
export function heatmapOverlay(
  image: RgbImage,
  scores: ArrayLike<number>,
  binary?: ArrayLike<number>,
  alpha = 0.45,
): RgbImage {
  const { width: w, height: h } = image;
  if (scores.length !== w * h) {
    throw new Error(`score map has ${scores.length} values for a ${w}x${h} image`);
  }
  const data = new Uint8Array(w * h * 3);
  for (let i = 0; i < w * h; i++) {
    const [r, g, b] = colormap(scores[i]);
    data[3 * i] = Math.round((1 - alpha) * image.data[3 * i] + alpha * r);
    data[3 * i + 1] = Math.round((1 - alpha) * image.data[3 * i + 1] + alpha * g);
    data[3 * i + 2] = Math.round((1 - alpha) * image.data[3 * i + 2] + alpha * b);
  }
  if (binary) drawOutline(data, w, h, binary, [255, 255, 255]);
  return { width: w, height: h, data };
}

/**
 * Paints the boundary pixels of a 0/1 mask in `color`.
 *
 * @param data RGB bytes, changed in place.
 * @param w the width.
 * @param h the height.
 * @param mask the 0/1 mask.
 * @param color the outline's colour.
 */
export function drawOutline(
  data: Uint8Array,
  w: number,
  h: number,
  mask: ArrayLike<number>,
  color: [number, number, number],
): void {
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      if (!mask[i]) continue;
      const edge = x === 0 || y === 0 || x === w - 1 || y === h - 1 || !mask[i - 1] ||
        !mask[i + 1] || !mask[i - w] || !mask[i + w];
      if (edge) data.set(color, 3 * i);
    }
  }
}

/**
 * Image, ground truth (outlined, when given) and prediction overlay side by side.
 *
 * @param image the image.
 * @param gt the ground truth, or null.
 * @param scores the map, in [0, 1].
 * @param binary the predicted mask, 0/1.
 * @returns the three panels side by side.
 */
export function comparisonPanel(
  image: RgbImage,
  gt: ArrayLike<number> | null,
  scores: ArrayLike<number>,
  binary: ArrayLike<number>,
): RgbImage {
  const { width: w, height: h } = image;
  const gap = 4;
  const panels = [image, groundTruthView(image, gt), heatmapOverlay(image, scores, binary)];
  const width = panels.length * w + (panels.length - 1) * gap;
  const data = new Uint8Array(width * h * 3).fill(255);
  panels.forEach((p, k) => {
    for (let y = 0; y < h; y++) {
      data.set(p.data.subarray(y * w * 3, (y + 1) * w * 3), (y * width + k * (w + gap)) * 3);
    }
  });
  return { width, height: h, data };
}

/**
 * The image darkened outside the ground truth, which is outlined (grey when there is none).
 *
 * @param image the image.
 * @param gt the ground truth, or null.
 * @returns the picture.
 */
export function groundTruthView(image: RgbImage, gt: ArrayLike<number> | null): RgbImage {
  const data = Uint8Array.from(image.data);
  if (gt === null) return { width: image.width, height: image.height, data: data.fill(200) };
  for (let i = 0; i < gt.length; i++) {
    if (!gt[i]) {
      for (let c = 0; c < 3; c++) data[3 * i + c] = Math.round(data[3 * i + c] * 0.35);
    }
  }
  drawOutline(data, image.width, image.height, gt, [255, 255, 0]);
  return { width: image.width, height: image.height, data };
}
