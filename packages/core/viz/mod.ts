/**
 * Pictures: the heat-map colour map, a map over its image with the mask
 * outlined, comparison panels (image, ground truth, map), titled figures
 * with a colour bar (one prediction, the method comparison of the benches),
 * text drawn with a real font, and shrinking.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { heatmapOverlay } from "@pointwise/core/viz";
 * const image = { width: 2, height: 1, data: new Uint8Array(6) };
 * const out = heatmapOverlay(image, Float32Array.of(0, 1));
 * assert.equal(out.data.length, 6);
 * ```
 * @module
 */
export { colormap } from "./colormap.ts";
export { comparisonPanel, drawOutline, groundTruthView, heatmapOverlay } from "./overlay.ts";
export { type FigureOptions, type FigureRow, methodFigure } from "./method_figure.ts";
export { predictionFigure, type PredictionFigureOptions } from "./prediction_figure.ts";
export { drawColorbar, figureGrid, type GridOptions } from "./figure_grid.ts";
export {
  drawText,
  type Font,
  loadFont,
  measureText,
  parseFont,
  type TextMetrics,
  type TextOptions,
} from "./text.ts";
export { type PathCommand, rasterizePath } from "./raster.ts";
export { shrinkBy, shrinkToWidth } from "./shrink.ts";
