/**
 * Images as plain RGB bytes: PNG and JPEG decoded with imagescript's codecs,
 * TIFF with geotiff, WebP with libwebp (`@jsquash/webp`); grayscale and RGBA
 * become RGB, alpha is dropped; `encode.ts` writes them. Binary masks are 0/1
 * bytes, with any non-zero pixel counted as foreground (GlaS stores gland
 * instances 1..K).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { encodePng } from "./encode.ts";
 * import { decodeImage } from "./image.ts";
 * const img = { width: 2, height: 1, data: Uint8Array.of(255, 0, 0, 0, 0, 255) };
 * const back = await decodeImage(await encodePng(img), "two.png");
 * assert.deepEqual(back, img);
 * await assert.rejects(decodeImage(Uint8Array.of(1, 2, 3), "bad.png"), /bad\.png: cannot decode/);
 * ```
 * @module
 */
import { decodeRgba } from "./codecs.ts";

/** An 8-bit RGB image, row-major, 3 bytes per pixel. */
export interface RgbImage {
  width: number;
  height: number;
  data: Uint8Array;
}

/** A binary mask, row-major, one byte (0 or 1) per pixel. */
export interface BinaryMask {
  width: number;
  height: number;
  data: Uint8Array;
}

async function decodeNamed(
  bytes: Uint8Array,
  name: string,
): Promise<{ width: number; height: number; bitmap: Uint8Array }> {
  if (bytes.length === 0) throw new Error(`${name}: the file is empty`);
  try {
    const { width, height, rgba } = await decodeRgba(bytes);
    return { width, height, bitmap: rgba };
  } catch (e) {
    throw new Error(`${name}: cannot decode the image: ${(e as Error).message ?? e}`, { cause: e });
  }
}

/**
 * Decodes PNG, JPEG, TIFF or WebP bytes to RGB. `name` goes into error messages.
 *
 * @param bytes PNG, JPEG, TIFF or WebP bytes.
 * @param name the file, for errors.
 * @returns the RGB pixels.
 * @throws {Error} naming the file when it is empty or cannot be decoded (its `cause` says why).
 */
export async function decodeImage(bytes: Uint8Array, name: string): Promise<RgbImage> {
  const img = await decodeNamed(bytes, name);
  const n = img.width * img.height;
  const src = img.bitmap;
  const data = new Uint8Array(n * 3);
  for (let i = 0; i < n; i++) {
    data[3 * i] = src[4 * i];
    data[3 * i + 1] = src[4 * i + 1];
    data[3 * i + 2] = src[4 * i + 2];
  }
  return { width: img.width, height: img.height, data };
}

/**
 * Decodes a mask image: a pixel is foreground when any channel is non-zero.
 *
 * @param bytes PNG, JPEG, TIFF or WebP bytes.
 * @param name the file, for errors.
 * @returns the 0/1 mask.
 * @throws {Error} naming the file when it is empty or cannot be decoded.
 */
export async function decodeMask(bytes: Uint8Array, name: string): Promise<BinaryMask> {
  const img = await decodeNamed(bytes, name);
  const n = img.width * img.height;
  const src = img.bitmap;
  const data = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    data[i] = src[4 * i] !== 0 || src[4 * i + 1] !== 0 || src[4 * i + 2] !== 0 ? 1 : 0;
  }
  return { width: img.width, height: img.height, data };
}
