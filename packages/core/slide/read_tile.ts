/**
 * Reading a region of the analysis grid: the chosen level as it is, or a
 * finer level shrunk by area averaging when the grid asks for it.
 *
 * @example
 * ```ts ignore
 * const image = await readTile(slide, grid, { x: 0, y: 0, width: 1024, height: 1024 });
 * ```
 * @module
 */
import type { RgbImage } from "../data/image.ts";
import type { AnalysisGrid } from "./level_choice.ts";
import { resizeArea } from "./resample.ts";
import type { Slide } from "./slide.ts";

/** A region of the analysis grid, in its pixels. */
export interface Region {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Reads a region at analysis resolution (shrinking a finer level when the grid asks for it). */
export async function readTile(slide: Slide, g: AnalysisGrid, t: Region): Promise<RgbImage> {
  if (g.scale === 1) return await slide.readRegion(g.level, t.x, t.y, t.width, t.height);
  const x0 = Math.floor(t.x * g.scale), y0 = Math.floor(t.y * g.scale);
  const x1 = Math.ceil((t.x + t.width) * g.scale), y1 = Math.ceil((t.y + t.height) * g.scale);
  return resizeArea(await slide.readRegion(g.level, x0, y0, x1 - x0, y1 - y0), t.width, t.height);
}
