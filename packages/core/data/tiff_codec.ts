/**
 * TIFF decoding through the maintained `geotiff` package (pure JavaScript:
 * strips and tiles; no compression, LZW, deflate, JPEG, PackBits, with or
 * without the horizontal predictor; chunky or planar samples; RGB, RGBA,
 * grayscale and palette images through its `readRGB`). Only the first image
 * (IFD 0) is read, the full-resolution one in a pyramid; 8-bit samples
 * only. The header reader gives the size from IFD 0 without decoding, for
 * the pixel limits checked before any decoding.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { decodeTiff, readTiffHeader } from "./tiff_codec.ts";
 * // A 24x16 LZW-compressed fixture, red on its left half.
 * const bytes = await Deno.readFile(new URL("../../../tests/fixtures/strip_lzw.tif", import.meta.url));
 * assert.deepEqual(readTiffHeader(bytes), { width: 24, height: 16 });
 * const { rgba } = await decodeTiff(bytes);
 * assert.deepEqual(Array.from(rgba.subarray(0, 4)), [200, 30, 40, 255]);
 * ```
 * @module
 */
/** Decoded pixels (the shape of `codecs.ts`'s RgbaPixels, which imports this module). */
interface RgbaPixels {
  width: number;
  height: number;
  rgba: Uint8Array;
}

/** True for the TIFF and BigTIFF signatures ("II*\0", "MM\0*", "II+\0", "MM\0+"). */
export function isTiff(b: Uint8Array): boolean {
  if (b.length < 4) return false;
  if (b[0] === 0x49 && b[1] === 0x49) return (b[2] === 42 || b[2] === 43) && b[3] === 0;
  if (b[0] === 0x4d && b[1] === 0x4d) return b[2] === 0 && (b[3] === 42 || b[3] === 43);
  return false;
}

/** Width and height from the first IFD's ImageWidth (256) and ImageLength (257) tags. */
export function readTiffHeader(b: Uint8Array): { width: number; height: number } {
  const truncated = () => new Error("the TIFF data is truncated (no complete first IFD)");
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const le = b[0] === 0x49;
  const big = (le ? b[2] : b[3]) === 43;
  const u16 = (p: number) => view.getUint16(p, le);
  const u32 = (p: number) => view.getUint32(p, le);
  const u64 = (p: number) => Number(view.getBigUint64(p, le));
  if (b.length < (big ? 16 : 8)) throw truncated();
  const ifd = big ? u64(8) : u32(4);
  const countSize = big ? 8 : 2;
  if (ifd < 8 || ifd + countSize > b.length) throw truncated();
  const count = big ? u64(ifd) : u16(ifd);
  const entry = big ? 20 : 12;
  const first = ifd + countSize;
  if (first + count * entry > b.length) throw truncated();
  let width = 0;
  let height = 0;
  for (let i = 0; i < count; i++) {
    const p = first + i * entry;
    const tag = u16(p);
    if (tag !== 256 && tag !== 257) continue;
    const type = u16(p + 2);
    const at = p + (big ? 12 : 8);
    // SHORT (3), LONG (4) or LONG8 (16); the value sits in the entry itself.
    const v = type === 3 ? u16(at) : type === 4 ? u32(at) : type === 16 ? u64(at) : -1;
    if (v < 0) throw new Error(`not a valid TIFF (tag ${tag} has type ${type})`);
    if (tag === 256) width = v;
    else height = v;
  }
  return { width, height };
}

/** Compression tags read: none, LZW, old and new JPEG, deflate (two tags), PackBits. */
const TIFF_COMPRESSIONS = [1, 5, 6, 7, 8, 32946, 32773];

type GeoTiff = typeof import("geotiff");
type FileDirectory = Parameters<Parameters<GeoTiff["addDecoder"]>[2] & object>[0];

let geotiff: Promise<GeoTiff> | undefined;

/**
 * geotiff with its LZW decoder replaced by the bounded one of `tiff_lzw.ts`
 * (geotiff's decoders are registered process-wide: whoever reads TIFF
 * through geotiff calls this first).
 */
export function boundedGeotiff(): Promise<GeoTiff> {
  return geotiff ??= loadGeotiff();
}

async function loadGeotiff(): Promise<GeoTiff> {
  const g = await import("geotiff");
  const { decodeTiffLzw } = await import("./tiff_lzw.ts");
  class BoundedLzw extends g.BaseDecoder {
    override decodeBlock(buffer: ArrayBufferLike): ArrayBufferLike {
      const { maxBytes } = this.parameters as unknown as { maxBytes: number };
      return decodeTiffLzw(new Uint8Array(buffer), maxBytes).slice().buffer;
    }
  }
  g.addDecoder(5, () => Promise.resolve(BoundedLzw as never), async (fd: FileDirectory) => {
    const value = async (tag: string) => Number(await fd.loadValue(tag as never) ?? 0);
    const tiled = !fd.hasTag("StripOffsets");
    const imageWidth = await value("ImageWidth");
    const imageHeight = await value("ImageLength");
    const tileWidth = tiled ? await value("TileWidth") : imageWidth;
    const rows = await value("RowsPerStrip");
    const tileHeight = tiled
      ? await value("TileLength")
      : Math.min(rows || imageHeight, imageHeight);
    const bits = await fd.loadValue("BitsPerSample" as never) as number | ArrayLike<number>;
    const planar = await value("PlanarConfiguration");
    const perSample = typeof bits === "number" ? [bits] : Array.from(bits);
    const bytesPerPixel = planar === 2
      ? Math.ceil(Math.max(...perSample) / 8)
      : Math.ceil(perSample.reduce((a, b) => a + b, 0) / 8);
    // A block holds one tile or strip; tiles far larger than the image are damage.
    const blockPixels = tileWidth * tileHeight;
    if (blockPixels > 4 * (imageWidth * imageHeight + (1 << 20))) {
      throw new Error(`its ${tileWidth}x${tileHeight} tiles are far larger than the image`);
    }
    return {
      tileWidth,
      tileHeight,
      planarConfiguration: planar,
      bitsPerSample: bits as number,
      predictor: (await value("Predictor")) || 1,
      maxBytes: blockPixels * bytesPerPixel,
    };
  });
  return g;
}

/** Decodes the first image of a TIFF to RGBA (alpha 255). */
export async function decodeTiff(bytes: Uint8Array): Promise<RgbaPixels> {
  const { fromArrayBuffer } = await boundedGeotiff();
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  // geotiff's own errors on damaged files are RangeErrors and bare messages
  // ("Offset is outside the bounds of the DataView"): said in words here.
  const corrupt = (e: unknown) =>
    new Error(`the TIFF data is corrupt or truncated (${(e as Error).message ?? e})`, {
      cause: e,
    });
  const image = await fromArrayBuffer(buffer as ArrayBuffer).then((t) => t.getImage(0))
    .catch((e) => {
      throw corrupt(e);
    });
  // geotiff also has Zstandard and LERC decoders, but Zstandard returns zeros
  // for damaged data instead of failing: only the documented codecs are read.
  const compression = Number(image.fileDirectory.getValue("Compression") ?? 1);
  if (!TIFF_COMPRESSIONS.includes(compression)) {
    throw new Error(
      `TIFF compression ${compression} is not read (none, LZW, deflate, JPEG or PackBits only)`,
    );
  }
  const bits = image.getBitsPerSample();
  const palette = image.fileDirectory.getValue("PhotometricInterpretation") === 3;
  if (!palette && bits !== 8) {
    throw new Error(`${bits}-bit TIFF samples are not read (8-bit RGB, RGBA or gray only)`);
  }
  const width = image.getWidth();
  const height = image.getHeight();
  const rgb = (await image.readRGB({ interleave: true }).catch((e) => {
    throw corrupt(e);
  })) as unknown as ArrayLike<number>;
  const n = width * height;
  if (rgb.length !== 3 * n) throw new Error("the TIFF data is truncated or corrupt");
  const rgba = new Uint8Array(4 * n);
  for (let i = 0; i < n; i++) {
    rgba[4 * i] = rgb[3 * i];
    rgba[4 * i + 1] = rgb[3 * i + 1];
    rgba[4 * i + 2] = rgb[3 * i + 2];
    rgba[4 * i + 3] = 255;
  }
  return { width, height, rgba };
}
