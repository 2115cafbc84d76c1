/**
 * One prediction as a titled picture: the image, its ground truth (or a grey
 * panel when there is none) and the heat map of the mask scores with the
 * binary mask outlined, under column titles and with the colour bar of the
 * heat map. Reports shrink every image by one factor, so that panels of
 * different images share one scale.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { predictionFigure } from "./prediction_figure.ts";
 * import { loadFont } from "./text.ts";
 * const image = { width: 32, height: 24, data: new Uint8Array(32 * 24 * 3).fill(120) };
 * const scores = new Float32Array(32 * 24).fill(0.8);
 * const fig = predictionFigure(await loadFont(), image, null, scores, scores.map((s) => s >= 0.5 ? 1 : 0));
 * assert.ok(fig.width > 3 * 32); // image, ground truth and prediction side by side
 * ```
 * @module
 */
import type { RgbImage } from "../data/image.ts";
import { figureGrid } from "./figure_grid.ts";
import { groundTruthView, heatmapOverlay } from "./overlay.ts";
import { shrinkBy } from "./shrink.ts";
import type { Font } from "./text.ts";

/** Options of {@link predictionFigure}. */
export interface PredictionFigureOptions {
  /** Whole factor every panel is shrunk by [1]. */
  shrink?: number;
  /** What the heat map shows, for the colour bar ["R+"]. */
  mapLabel?: string;
}

/**
 * Image | ground truth | prediction, titled, with the colour bar.
 *
 * @param font the titles' font.
 * @param image the image.
 * @param gt the ground truth, or null.
 * @param scores the map, in [0, 1].
 * @param binary the predicted mask, 0/1.
 * @param o titles and sizes.
 * @returns the figure.
 */
export function predictionFigure(
  font: Font,
  image: RgbImage,
  gt: ArrayLike<number> | null,
  scores: ArrayLike<number>,
  binary: ArrayLike<number>,
  o: PredictionFigureOptions = {},
): RgbImage {
  const panels = [image, groundTruthView(image, gt), heatmapOverlay(image, scores, binary)]
    .map((p) => shrinkBy(p, o.shrink ?? 1));
  return figureGrid(font, ["image", "ground truth", "prediction"], [panels], {
    colorbar: o.mapLabel ?? "R+",
  });
}
