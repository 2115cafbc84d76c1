/**
 * Which pixels the model sees: a pyramid level named outright, or the level
 * that matches the resolution the model was trained at (microns per pixel),
 * read from the nearest finer level and shrunk by area averaging when no
 * level is within 5% of it.
 *
 * @example
 * ```ts
 * import { chooseLevel } from "./level_choice.ts";
 * const levels = [
 *   { width: 40000, height: 30000, downsample: { x: 1, y: 1 } },
 *   { width: 10000, height: 7500, downsample: { x: 4, y: 4 } },
 * ];
 * const g = chooseLevel({ levels, mpp: { x: 0.25, y: 0.25, source: "test" } }, { mpp: 1 });
 * [g.level, g.scale, g.width]; // [1, 1, 10000]
 * ```
 * @module
 */
import type { Slide, SlideLevel } from "./slide.ts";

/** A bad slide option: `option` names the setting (`level`, `mpp`, ...) so that callers can name their flag. */
export class SlideOptionError extends Error {
  override name = "SlideOptionError";
  constructor(readonly option: string, message: string) {
    super(message);
  }
}

/** What the caller asks for: a level, or the model's microns per pixel (not both). */
export interface LevelRequest {
  level?: number;
  mpp?: number;
}

/** The grid the model runs on. */
export interface AnalysisGrid {
  /** The pyramid level read. */
  level: number;
  /** Level pixels per analysis pixel (1: the level as it is). */
  scale: number;
  /** Size of the analysis grid. */
  width: number;
  height: number;
  /** Level-0 pixels per analysis pixel. */
  downsample: { x: number; y: number };
  /** Microns per analysis pixel, when the slide records its scale. */
  mpp: { x: number; y: number } | null;
  /** Why this level, for the summary. */
  reason: string;
}

/** Levels within this ratio of the wanted resolution are taken as they are. */
const TOLERANCE = 1.05;

function grid(
  slide: Pick<Slide, "levels" | "mpp">,
  level: number,
  scale: number,
  reason: string,
): AnalysisGrid {
  const l: SlideLevel = slide.levels[level];
  const downsample = { x: l.downsample.x * scale, y: l.downsample.y * scale };
  return {
    level,
    scale,
    width: Math.max(1, Math.floor(l.width / scale)),
    height: Math.max(1, Math.floor(l.height / scale)),
    downsample,
    mpp: slide.mpp ? { x: slide.mpp.x * downsample.x, y: slide.mpp.y * downsample.y } : null,
    reason,
  };
}

/** The analysis grid for `request` on `slide`. */
export function chooseLevel(
  slide: Pick<Slide, "levels" | "mpp">,
  request: LevelRequest,
): AnalysisGrid {
  const { levels } = slide;
  if (request.level !== undefined && request.mpp !== undefined) {
    throw new SlideOptionError("level", "give a level or a resolution (mpp), not both");
  }
  if (request.level !== undefined) {
    const n = request.level;
    if (!Number.isInteger(n) || n < 0 || n >= levels.length) {
      throw new SlideOptionError(
        "level",
        `the slide has levels 0 to ${levels.length - 1}, not ${request.level}`,
      );
    }
    return grid(slide, n, 1, `level ${n} as asked`);
  }
  if (request.mpp === undefined) return grid(slide, 0, 1, "level 0 (no level or mpp asked)");
  const target = request.mpp;
  if (!(target > 0) || !Number.isFinite(target)) {
    throw new SlideOptionError("mpp", `the resolution must be a positive number, got ${target}`);
  }
  if (slide.mpp === null) {
    throw new SlideOptionError(
      "mpp",
      "the slide records no microns per pixel; choose a pyramid level instead",
    );
  }
  const wanted = target / slide.mpp.x;
  if (wanted * TOLERANCE < 1) {
    throw new SlideOptionError(
      "mpp",
      `the slide's finest level is ${
        slide.mpp.x.toPrecision(4)
      } µm/px, coarser than the ${target} µm/px asked`,
    );
  }
  let level = 0;
  for (let i = 0; i < levels.length; i++) {
    if (levels[i].downsample.x <= wanted * TOLERANCE) level = i;
  }
  const scale = wanted / levels[level].downsample.x;
  const exact = scale <= TOLERANCE && scale >= 1 / TOLERANCE;
  const atMpp = (slide.mpp.x * levels[level].downsample.x).toPrecision(4);
  return exact
    ? grid(slide, level, 1, `level ${level} is ${atMpp} µm/px, within 5% of the ${target} asked`)
    : grid(
      slide,
      level,
      scale,
      `level ${level} (${atMpp} µm/px) shrunk by ${scale.toFixed(3)} to the ${target} µm/px asked`,
    );
}
