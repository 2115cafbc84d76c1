/**
 * The pictures of a slide's map at thumbnail size: the heat map alone, and
 * blended over the thumbnail (45%, as the image overlays) with the mask
 * outlined in white; where no tile ran, the heat map is white and the overlay
 * shows the slide as it is. Colours come from a 256-level table of the turbo map,
 * so a picture costs no polynomial per pixel.
 *
 * @example
 * ```ts
 * import { heatPictures } from "./heat_pictures.ts";
 * const thumb = { width: 2, height: 1, data: new Uint8Array(6).fill(255) };
 * const { heatmap } = heatPictures(thumb, Float32Array.of(0, 1), Uint8Array.of(0, 1));
 * heatmap.data.length; // 6
 * ```
 * @module
 */
import type { RgbImage } from "../data/image.ts";
import { drawOutline } from "../viz/overlay.ts";
import { colormap } from "../viz/colormap.ts";

/** The turbo colour of 256 levels, so that a picture costs no polynomial per pixel. */
const LUT = (() => {
  const lut = new Uint8Array(256 * 3);
  for (let i = 0; i < 256; i++) lut.set(colormap(i / 255), 3 * i);
  return lut;
})();

/**
 * The heat map alone and blended over the thumbnail (45%, as `heatmapOverlay`),
 * with the mask outlined in white.
 */
export function heatPictures(
  thumb: RgbImage,
  heat: Float32Array,
  mask: Uint8Array,
  covered?: Uint8Array,
): { heatmap: RgbImage; overlay: RgbImage } {
  const n = heat.length;
  const h = new Uint8Array(3 * n), o = new Uint8Array(3 * n);
  const alpha = 0.45;
  for (let i = 0; i < n; i++) {
    // Where no tile ran (background), the heat map is white and the overlay the slide.
    if (covered && !covered[i]) {
      h.fill(255, 3 * i, 3 * i + 3);
      o.set(thumb.data.subarray(3 * i, 3 * i + 3), 3 * i);
      continue;
    }
    const q = 3 * Math.round(255 * Math.min(1, Math.max(0, heat[i])));
    for (let c = 0; c < 3; c++) {
      h[3 * i + c] = LUT[q + c];
      o[3 * i + c] = Math.round((1 - alpha) * thumb.data[3 * i + c] + alpha * LUT[q + c]);
    }
  }
  drawOutline(o, thumb.width, thumb.height, mask, [255, 255, 255]);
  const size = { width: thumb.width, height: thumb.height };
  return { heatmap: { ...size, data: h }, overlay: { ...size, data: o } };
}
