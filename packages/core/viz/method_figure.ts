/**
 * The side-by-side figure of a method comparison: one row per image, with
 * the image, its ground truth and each method's map (heat map, mask outlined
 * at the threshold), under column titles, with the heat maps' colour bar.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { methodFigure } from "./method_figure.ts";
 * import { loadFont } from "./text.ts";
 * const image = { width: 32, height: 24, data: new Uint8Array(32 * 24 * 3).fill(120) };
 * const ramp = Float32Array.from({ length: 32 * 24 }, (_, i) => (i % 32) / 31);
 * const fig = methodFigure(await loadFont(), ["min-max", "CAM"], [{ image, gt: null, maps: [ramp, ramp] }]);
 * // One row of four titled panels: image, ground truth and the two maps.
 * assert.ok(fig.width >= 4 * 32 && fig.height > 24);
 * ```
 * @module
 */
import type { RgbImage } from "../data/image.ts";
import { figureGrid } from "./figure_grid.ts";
import { groundTruthView, heatmapOverlay } from "./overlay.ts";
import { shrinkToWidth } from "./shrink.ts";
import type { Font } from "./text.ts";

/** One image of the figure: the picture, its mask (or null) and one map per method. */
export interface FigureRow {
  image: RgbImage;
  gt: ArrayLike<number> | null;
  /** Maps in [0, 1], image-sized, in the order of the method labels. */
  maps: ArrayLike<number>[];
}

/** Layout options. */
export interface FigureOptions {
  /** Panels wider than this are shrunk by a whole factor [256]. */
  panelWidth?: number;
  /** Panels narrower than this are enlarged by a whole factor (nearest) [0: never]. */
  minPanelWidth?: number;
  /** Where a map becomes the outlined mask [0.5]. */
  threshold?: number;
  /** The colour bar's label ["map"]. */
  mapLabel?: string;
}

function enlarge(img: RgbImage, f: number): RgbImage {
  if (f <= 1) return img;
  const w = img.width * f, h = img.height * f;
  const data = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const s = 3 * (Math.floor(y / f) * img.width + Math.floor(x / f));
      data.set(img.data.subarray(s, s + 3), 3 * (y * w + x));
    }
  }
  return { width: w, height: h, data };
}

/**
 * Composes the figure; every row's image must have the size of its maps.
 *
 * @param font the titles' font (`loadFont()`).
 * @param methods the methods' names, one column each.
 * @param rows one image per row: the picture, its mask and one map per method.
 * @param o panel widths and the threshold.
 * @returns the figure.
 * @throws {Error} without rows, or when a row's maps do not match the methods or its image's size.
 */
export function methodFigure(
  font: Font,
  methods: string[],
  rows: FigureRow[],
  o: FigureOptions = {},
): RgbImage {
  if (rows.length === 0) throw new Error("a figure needs at least one image");
  const threshold = o.threshold ?? 0.5;
  const panelRows = rows.map((r) => {
    if (r.maps.length !== methods.length) {
      throw new Error(`a figure row has ${r.maps.length} maps for ${methods.length} methods`);
    }
    const panels = [
      r.image,
      groundTruthView(r.image, r.gt),
      ...r.maps.map((m) =>
        heatmapOverlay(r.image, m, Array.from(m, (v) => v >= threshold ? 1 : 0))
      ),
    ];
    const up = o.minPanelWidth ? Math.ceil(o.minPanelWidth / r.image.width) : 1;
    return panels.map((p) => shrinkToWidth(enlarge(p, up), o.panelWidth ?? 256));
  });
  return figureGrid(font, ["image", "ground truth", ...methods], panelRows, {
    colorbar: o.mapLabel ?? "map",
  });
}
