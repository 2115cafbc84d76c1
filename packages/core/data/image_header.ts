/**
 * Image dimensions read from the header alone, so that a server can refuse an
 * oversized image before spending memory on decoding it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readImageHeader } from "./image_header.ts";
 * const png = new Uint8Array([
 *   0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52,
 *   0, 0, 3, 7, 0, 0, 2, 10, 8, 2, 0, 0, 0,
 * ]);
 * assert.deepEqual(readImageHeader(png), { format: "png", width: 775, height: 522 });
 * ```
 * @module
 */
import {
  type InputImageFormat,
  sniffFormat,
  UNSUPPORTED_IMAGE,
  UnsupportedImageError,
} from "./codecs.ts";
import { readTiffHeader } from "./tiff_codec.ts";
import { readWebpHeader } from "./webp_codec.ts";

/** Format and size of an encoded image. */
export interface ImageHeader {
  format: InputImageFormat;
  width: number;
  height: number;
}

const u16 = (b: Uint8Array, i: number) => (b[i] << 8) | b[i + 1];
const u32 = (b: Uint8Array, i: number) => ((b[i] << 24) >>> 0) + (b[i + 1] << 16) + u16(b, i + 2);

function pngHeader(b: Uint8Array): ImageHeader {
  // The IHDR chunk must come first: length 13, type "IHDR", width, height.
  if (b.length < 24) throw new Error("the PNG data is truncated (no IHDR chunk)");
  const type = String.fromCharCode(b[12], b[13], b[14], b[15]);
  if (type !== "IHDR") throw new Error("not a valid PNG (the first chunk is not IHDR)");
  return { format: "png", width: u32(b, 16), height: u32(b, 20) };
}

// Start-of-frame markers carry the size; 0xC4 (DHT), 0xC8 (JPG) and 0xCC (DAC) do not.
const isSof = (m: number) => m >= 0xc0 && m <= 0xcf && m !== 0xc4 && m !== 0xc8 && m !== 0xcc;

function jpegHeader(b: Uint8Array): ImageHeader {
  let i = 2;
  while (i + 4 <= b.length) {
    if (b[i] !== 0xff) throw new Error("not a valid JPEG (a marker is missing)");
    const marker = b[i + 1];
    if (marker === 0xff) { // fill byte
      i++;
      continue;
    }
    if (marker === 0xd8 || (marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) {
      i += 2;
      continue;
    }
    if (marker === 0xd9 || marker === 0xda) break; // end of image, or scan data before any frame
    const length = u16(b, i + 2);
    if (length < 2) throw new Error("not a valid JPEG (a segment length is wrong)");
    if (isSof(marker)) {
      if (i + 9 > b.length) break;
      return { format: "jpeg", height: u16(b, i + 5), width: u16(b, i + 7) };
    }
    i += 2 + length;
  }
  throw new Error("the JPEG data is truncated or has no frame header");
}

function webpHeader(bytes: Uint8Array): ImageHeader {
  const { width, height, animated } = readWebpHeader(bytes);
  if (animated) throw new Error("animated WebP is not read");
  return { format: "webp", width, height };
}

/**
 * Format and size from the header. A TIFF's size is in its first IFD, which
 * may sit anywhere in the file.
 *
 * @param bytes the file's first bytes (the whole file is not needed).
 * @returns the format, width and height.
 * @throws {UnsupportedImageError} when the bytes are no PNG, JPEG, TIFF or WebP.
 * @throws {Error} for a header that is truncated or corrupt.
 */
export function readImageHeader(bytes: Uint8Array): ImageHeader {
  const format = sniffFormat(bytes);
  if (format === null) throw new UnsupportedImageError(UNSUPPORTED_IMAGE);
  const h: ImageHeader = format === "png"
    ? pngHeader(bytes)
    : format === "jpeg"
    ? jpegHeader(bytes)
    : format === "tiff"
    ? { format, ...readTiffHeader(bytes) }
    : webpHeader(bytes);
  if (!(h.width > 0 && h.height > 0)) throw new Error(`the ${format} header gives no pixels`);
  return h;
}
