/**
 * Slide fixtures for the tests, made on the spot: a picture with known
 * content (white glass, two stained regions, one with a hole) written as a
 * tiled, pyramidal TIFF by Debian's `vips` (libvips-tools), with JPEG, LZW or
 * deflate tiles, classic TIFF or BigTIFF, and a resolution when asked.
 *
 * @example
 * ```ts ignore
 * const path = await vipsSlide(dir, "s.tif", fixtureImage(600, 400), { compression: "jpeg" });
 * ```
 * @module
 */
import type { RgbImage } from "../data/image.ts";
import type { AnalysisGrid } from "../slide/level_choice.ts";
import { Rng } from "../util/rng.ts";

/** True when the `vips` command runs here. */
export function hasVips(): boolean {
  try {
    return new Deno.Command("vips", { args: ["--version"], stdout: "null", stderr: "null" })
      .outputSync().success;
  } catch {
    return false;
  }
}

/** Whether pixel (x, y) of a `width` x `height` fixture is stained, and with which colour. */
export function fixtureRegion(x: number, y: number, width: number, height: number): 0 | 1 | 2 {
  const u = x / width, v = y / height;
  const a = ((u - 0.3) / 0.2) ** 2 + ((v - 0.4) / 0.25) ** 2;
  const hole = ((u - 0.3) / 0.06) ** 2 + ((v - 0.4) / 0.08) ** 2;
  if (a < 1 && hole >= 1) return 1;
  if (u > 0.6 && u < 0.9 && v > 0.55 && v < 0.9) return 2;
  return 0;
}

/** Stain colours of the two regions, and the glass. */
export const FIXTURE_COLORS: [number, number, number][] = [[244, 244, 242], [200, 60, 140], [
  90,
  60,
  170,
]];

/** The fixture picture, with a little seeded noise so that codecs have texture to keep. */
export function fixtureImage(width: number, height: number, seed = 1): RgbImage {
  const rng = new Rng(seed);
  const data = new Uint8Array(3 * width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const c = FIXTURE_COLORS[fixtureRegion(x, y, width, height)];
      const n = Math.round((rng.next() - 0.5) * 6);
      for (let k = 0; k < 3; k++) {
        data[3 * (y * width + x) + k] = Math.max(0, Math.min(255, c[k] + n));
      }
    }
  }
  return { width, height, data };
}

/** Options of {@link vipsSlide}. */
export interface VipsSlideOptions {
  compression?: "jpeg" | "lzw" | "deflate" | "none";
  /** JPEG quality [92]; below 90 vips writes photometric YCbCr with chroma subsampling. */
  quality?: number;
  tile?: number;
  bigtiff?: boolean;
  /** Microns per pixel, written as the resolution (vips takes pixels per mm). */
  mpp?: number;
  pyramid?: boolean;
}

/** Writes `image` as a tiled TIFF with vips; returns its path. */
export async function vipsSlide(
  dir: string,
  name: string,
  image: RgbImage,
  o: VipsSlideOptions = {},
): Promise<string> {
  const ppm = `${dir}/${name}.ppm`;
  const header = new TextEncoder().encode(`P6\n${image.width} ${image.height}\n255\n`);
  const bytes = new Uint8Array(header.length + image.data.length);
  bytes.set(header);
  bytes.set(image.data, header.length);
  await Deno.writeFile(ppm, bytes);
  const path = `${dir}/${name}`;
  const args = [
    "tiffsave",
    ppm,
    path,
    "--tile",
    "--tile-width",
    String(o.tile ?? 128),
    "--tile-height",
    String(o.tile ?? 128),
    "--compression",
    o.compression ?? "jpeg",
  ];
  if (o.pyramid ?? true) args.push("--pyramid");
  if (o.compression === "jpeg" || o.compression === undefined) {
    args.push("--Q", String(o.quality || 92));
  }
  if (o.bigtiff) args.push("--bigtiff");
  if (o.mpp) {
    const perMm = String(1000 / o.mpp);
    args.push("--xres", perMm, "--yres", perMm);
  }
  const out = await new Deno.Command("vips", { args, stderr: "piped" }).output();
  await Deno.remove(ppm);
  if (!out.success) throw new Error(`vips failed: ${new TextDecoder().decode(out.stderr)}`);
  return path;
}

/** The analysis grid of a slide read whole at level 0. */
export function levelZero(width: number, height: number): AnalysisGrid {
  return {
    level: 0,
    scale: 1,
    width,
    height,
    downsample: { x: 1, y: 1 },
    mpp: null,
    reason: "test",
  };
}
