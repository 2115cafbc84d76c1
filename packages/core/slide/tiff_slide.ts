/**
 * Tiled, pyramidal TIFF slides (classic TIFF and BigTIFF; generic tiled
 * TIFF as vips and tifffile write it, Aperio SVS) read with geotiff.js,
 * region by region: only the tiles a region touches are fetched and decoded
 * (JPEG with the shared JPEGTables of SVS, LZW, deflate, zstd, packbits).
 * Pyramid levels are the tiled images that share level 0's aspect ratio;
 * SVS thumbnails, labels and macro images (stripped, or of another shape)
 * are left out. The scale comes from Aperio's `MPP =` field, else from the
 * resolution tags when they give a plausible microscope scale.
 *
 * @example
 * ```ts ignore
 * const file = await Deno.open("slide.tif");
 * const read = async (offset: number, length: number) => { ... };
 * const slide = await openTiffSlide(read, "slide.tif");
 * const region = await slide.readRegion(1, 0, 0, 512, 512);
 * ```
 * @module
 */
import { GeoTIFF, type GeoTIFFImage, type Pool } from "geotiff";
import { boundedGeotiff } from "../data/tiff_codec.ts";
import type { RandomAccessReader, Slide, SlideLevel, SlideScale } from "./slide.ts";
import { blit, whiteImage } from "./slide.ts";
import { decodePool } from "./decode_pool.ts";

/** Options of {@link openTiffSlide}. */
export interface TiffSlideOptions {
  /** Worker threads that decode tiles (`decode_pool.ts`) [0: on the calling thread]. */
  decodeWorkers?: number;
}

/** Compression codes geotiff decodes. */
const DECODED = new Set([1, 5, 6, 7, 8, 32946, 32773, 34887, 50000, 50001]);
const COMPRESSION_NAMES: Record<number, string> = {
  33003: "JPEG 2000 (Aperio YCbCr)",
  33005: "JPEG 2000 (Aperio RGB)",
  34712: "JPEG 2000",
  34892: "lossy JPEG (DNG)",
};
/** A stripped image is read only when one strip stays this small (bytes decoded). */
const MAX_STRIP_BYTES = 64 << 20;

/** Microns per pixel from an Aperio description (`|MPP = 0.2520|`). */
export function aperioMpp(description: string | undefined): number | null {
  if (!description?.startsWith("Aperio")) return null;
  const m = /\|\s*MPP\s*=\s*([0-9.eE+-]+)/.exec(description);
  const v = m ? Number(m[1]) : NaN;
  return Number.isFinite(v) && v > 0 ? v : null;
}

/**
 * Microns per pixel from the resolution tags (unit 2: inch, 3: cm), or null
 * when absent or outside 0.01-100 µm: writers such as vips store a default of
 * 1 pixel per millimetre that is no microscope's scale.
 */
export function resolutionMpp(
  xres: ArrayLike<number> | undefined,
  yres: ArrayLike<number> | undefined,
  unit: number | undefined,
): { x: number; y: number } | null {
  if (!xres || !yres || (unit !== 2 && unit !== 3)) return null;
  const perUnit = unit === 2 ? 25_400 : 10_000;
  const x = perUnit / (xres[0] / xres[1]);
  const y = perUnit / (yres[0] / yres[1]);
  const plausible = (v: number) => Number.isFinite(v) && v >= 0.01 && v <= 100;
  return plausible(x) && plausible(y) ? { x, y } : null;
}

/** A geotiff source over the injected reader; nothing is cached. */
function sourceOf(read: RandomAccessReader) {
  return {
    fetch(slices: { offset: number; length: number }[]): Promise<ArrayBuffer[]> {
      return Promise.all(slices.map(async ({ offset, length }) => {
        const bytes = await read(offset, length);
        return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength
          ? bytes.buffer as ArrayBuffer
          : bytes.slice().buffer as ArrayBuffer;
      }));
    },
    get fileSize() {
      return null;
    },
    close() {},
  };
}

function checkReadable(image: GeoTIFFImage, name: string, index: number): void {
  const fd = image.fileDirectory;
  const compression = Number(fd.getValue("Compression") ?? 1);
  if (!DECODED.has(compression)) {
    const what = COMPRESSION_NAMES[compression] ?? `code ${compression}`;
    throw new Error(
      `${name}: image ${index} uses ${what} compression, which cannot be decoded here; ` +
        `convert the slide, e.g. vips tiffsave IN OUT.tif --tile --pyramid --compression jpeg`,
    );
  }
  const bits = image.getBitsPerSample(0);
  if (bits !== 8) {
    throw new Error(`${name}: image ${index} has ${bits}-bit samples; 8-bit images are read`);
  }
}

function stripBytes(image: GeoTIFFImage): number {
  const rows = Number(image.fileDirectory.getValue("RowsPerStrip") ?? image.getHeight());
  return Math.min(rows, image.getHeight()) * image.getWidth() * image.getSamplesPerPixel();
}

/** Opens a tiled TIFF slide through `read`; `name` goes into every error. */
export async function openTiffSlide(
  read: RandomAccessReader,
  name: string,
  o: TiffSlideOptions = {},
): Promise<Slide> {
  const images = await readImages(read, name);
  const base = images[0];
  checkReadable(base, name, 0);
  if (!base.isTiled && stripBytes(base) > MAX_STRIP_BYTES) {
    throw new Error(
      `${name}: the image is not tiled and its strips are too large to read piece by piece; ` +
        `convert it with vips tiffsave IN OUT.tif --tile --pyramid`,
    );
  }
  const chosen = pyramidLevels(images, name);
  const levels: SlideLevel[] = chosen.map((im) => ({
    width: im.getWidth(),
    height: im.getHeight(),
    downsample: { x: base.getWidth() / im.getWidth(), y: base.getHeight() / im.getHeight() },
  }));
  const mpp = await slideMpp(base);
  const workers = o.decodeWorkers ?? 0;
  const pool = workers > 0 ? decodePool(workers) : null;
  return {
    name,
    format: "tiff",
    levels,
    mpp,
    decodeWorkers: workers,
    async readRegion(level, x, y, width, height) {
      const im = chosen[level];
      if (im === undefined) throw new RangeError(`${name} has no level ${level}`);
      const out = whiteImage(width, height);
      const x0 = Math.max(0, x), y0 = Math.max(0, y);
      const x1 = Math.min(im.getWidth(), x + width), y1 = Math.min(im.getHeight(), y + height);
      if (x1 <= x0 || y1 <= y0) return out;
      const data = await readRgb(im, [x0, y0, x1, y1], name, level, pool);
      blit({ width: x1 - x0, height: y1 - y0, data }, out, x - x0, y - y0);
      return out;
    },
    close: async () => await pool?.destroy(),
  };
}

/** Every image of the file, in order. */
async function readImages(read: RandomAccessReader, name: string): Promise<GeoTIFFImage[]> {
  const images: GeoTIFFImage[] = [];
  try {
    await boundedGeotiff(); // damaged LZW tiles fail at once, not after minutes
    // deno-lint-ignore no-explicit-any
    const tiff = await GeoTIFF.fromSource(sourceOf(read) as any);
    const count = await tiff.getImageCount();
    for (let i = 0; i < count; i++) images.push(await tiff.getImage(i));
  } catch (e) {
    throw new Error(`${name}: not a readable TIFF (${(e as Error).message})`);
  }
  return images;
}

/**
 * The pyramid: level 0, then each tiled image of its shape smaller than the
 * last taken (labels, macro pictures and thumbnails of other shapes left out).
 */
function pyramidLevels(images: GeoTIFFImage[], name: string): GeoTIFFImage[] {
  const base = images[0];
  const aspect = base.getWidth() / base.getHeight();
  const chosen: GeoTIFFImage[] = [base];
  for (let i = 1; i < images.length; i++) {
    const im = images[i];
    const last = chosen[chosen.length - 1];
    // Levels are rounded: their height is level 0's shape at their width to a pixel or 2%.
    const expected = im.getWidth() / aspect;
    const sameShape = Math.abs(im.getHeight() - expected) <= Math.max(1.5, 0.02 * expected);
    if (!im.isTiled || !sameShape || im.getWidth() >= last.getWidth()) continue;
    checkReadable(im, name, i);
    chosen.push(im);
  }
  return chosen;
}

/** Microns per pixel at level 0: Aperio's MPP, else the resolution tags, else unknown. */
async function slideMpp(base: GeoTIFFImage): Promise<SlideScale | null> {
  const fd = base.fileDirectory;
  const description = (await fd.loadValue("ImageDescription")) as string | undefined;
  const aperio = aperioMpp(description);
  if (aperio !== null) return { x: aperio, y: aperio, source: "Aperio MPP" };
  const r = resolutionMpp(
    (await fd.loadValue("XResolution")) as ArrayLike<number> | undefined,
    (await fd.loadValue("YResolution")) as ArrayLike<number> | undefined,
    (await fd.loadValue("ResolutionUnit")) as number | undefined,
  );
  return r ? { ...r, source: "TIFF resolution tags" } : null;
}

/** Interleaved 8-bit RGB of a window of `im`. */
async function readRgb(
  im: GeoTIFFImage,
  window: number[],
  name: string,
  level: number,
  pool: Pool | null,
): Promise<Uint8Array> {
  try {
    // geotiff's JPEG decoder hands out the stream's own colour space: YCbCr for
    // photometric YCbCr (vips below Q 90, many SVS files), which readRGB converts.
    const raster = await im.readRGB({ window, interleave: true, pool });
    const data = raster as unknown as Uint8Array;
    const n = (window[2] - window[0]) * (window[3] - window[1]);
    if (data.length === 3 * n) return data instanceof Uint8Array ? data : Uint8Array.from(data);
    throw new Error(`decoded ${data.length} values for ${n} RGB pixels`);
  } catch (e) {
    throw new Error(
      `${name}: cannot read level ${level} at [${window.join(", ")}]: ${(e as Error).message}`,
    );
  }
}
