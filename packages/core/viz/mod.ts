/**
 * Pictures: the heat-map colour map, a map over its image with the mask
 * outlined, comparison panels (image, ground truth, map), the
 * method-comparison figure of the benches, and shrinking to a width.
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
export { shrinkToWidth } from "./shrink.ts";
