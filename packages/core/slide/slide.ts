/**
 * A slide: an image too large to hold in memory, read region by region at
 * one of its pyramid levels. Tiled TIFF files ({@link openTiffSlide}) and
 * ordinary images held whole ({@link memorySlide}) both implement it, so the
 * slide pipeline is written once. File access is injected: a slide is read
 * through a {@link RandomAccessReader}, never through a file API.
 *
 * @example
 * ```ts
 * import { memorySlide } from "./slide.ts";
 * const image = { width: 4, height: 2, data: new Uint8Array(24).fill(200) };
 * const slide = memorySlide(image, "tiny.png");
 * const region = await slide.readRegion(0, 2, 0, 4, 2); // beyond the edge: white
 * region.data[3 * 3]; // 255
 * ```
 * @module
 */
import type { RgbImage } from "../data/image.ts";

/** Reads `length` bytes at `offset` of a file (fewer only at its end). */
export type RandomAccessReader = (offset: number, length: number) => Promise<Uint8Array>;

/** Writes `bytes` at `offset` of a file. */
export type RandomAccessWriter = (offset: number, bytes: Uint8Array) => Promise<void>;

/** One level of a slide's pyramid. */
export interface SlideLevel {
  width: number;
  height: number;
  /** Level-0 pixels per pixel of this level, horizontally and vertically. */
  downsample: { x: number; y: number };
}

/** Microns per level-0 pixel, with where the figure was read. */
export interface SlideScale {
  x: number;
  y: number;
  source: string;
}

/** A large image read region by region. */
export interface Slide {
  /** The file name, for messages. */
  readonly name: string;
  /** The format, for the summary: `tiff`, `png`, `jpeg`. */
  readonly format: string;
  /** Pyramid levels, level 0 (full resolution) first, by decreasing size. */
  readonly levels: readonly SlideLevel[];
  /** Microns per level-0 pixel, when the file records it. */
  readonly mpp: SlideScale | null;
  /**
   * The RGB pixels of the rectangle (x, y, width, height) of `level`; parts
   * beyond the level's edge are white, as slide background is.
   */
  readRegion(level: number, x: number, y: number, width: number, height: number): Promise<RgbImage>;
  /**
   * Worker threads that decode its tiles (0 or absent: on the calling
   * thread); with some, reading ahead overlaps decoding with the model.
   */
  readonly decodeWorkers?: number;
  /** Releases what the slide holds. */
  close(): Promise<void>;
}

/** Copies the part of `src` inside `dst`'s window at (x, y) of the source; the rest stays as is. */
export function blit(src: RgbImage, dst: RgbImage, x: number, y: number): void {
  const x0 = Math.max(0, x);
  const x1 = Math.min(src.width, x + dst.width);
  const y0 = Math.max(0, y);
  const y1 = Math.min(src.height, y + dst.height);
  if (x1 <= x0) return;
  for (let sy = y0; sy < y1; sy++) {
    const from = 3 * (sy * src.width + x0);
    dst.data.set(
      src.data.subarray(from, from + 3 * (x1 - x0)),
      3 * ((sy - y) * dst.width + x0 - x),
    );
  }
}

/** A white image. */
export function whiteImage(width: number, height: number): RgbImage {
  return { width, height, data: new Uint8Array(3 * width * height).fill(255) };
}

/** An image held whole, as a one-level slide. */
export function memorySlide(image: RgbImage, name: string, format = "image"): Slide {
  return {
    name,
    format,
    levels: [{ width: image.width, height: image.height, downsample: { x: 1, y: 1 } }],
    mpp: null,
    readRegion(level, x, y, width, height) {
      if (level !== 0) throw new RangeError(`${name} has one level, not level ${level}`);
      const out = whiteImage(width, height);
      blit(image, out, x, y);
      return Promise.resolve(out);
    },
    close: () => Promise.resolve(),
  };
}
