/**
 * Images as plain RGB bytes, decoded and encoded with imagescript's codecs
 * (PNG and JPEG; grayscale and RGBA become RGB, alpha is dropped). Binary
 * masks are 0/1 bytes, with any non-zero pixel counted as foreground (GlaS
 * stores gland instances 1..K).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { decodeImage, encodePng } from "./image.ts";
 * const img = { width: 2, height: 1, data: Uint8Array.of(255, 0, 0, 0, 0, 255) };
 * const back = await decodeImage(await encodePng(img), "two.png");
 * assert.deepEqual(back, img);
 * await assert.rejects(decodeImage(Uint8Array.of(1, 2, 3), "bad.png"), /bad\.png: cannot decode/);
 * ```
 * @module
 */
import { decodeRgba, encodeRgbaPng } from "./codecs.ts";

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
 * Decodes PNG or JPEG bytes to RGB. `name` goes into error messages.
 *
 * @param bytes PNG or JPEG bytes.
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
 * @param bytes PNG or JPEG bytes.
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

/**
 * Encodes an RGB image as PNG.
 *
 * @param img the RGB pixels.
 * @returns the PNG bytes.
 */
export function encodePng(img: RgbImage): Promise<Uint8Array> {
  const n = img.width * img.height;
  const dst = new Uint8Array(4 * n);
  for (let i = 0; i < n; i++) {
    dst[4 * i] = img.data[3 * i];
    dst[4 * i + 1] = img.data[3 * i + 1];
    dst[4 * i + 2] = img.data[3 * i + 2];
    dst[4 * i + 3] = 255;
  }
  return Promise.resolve(encodeRgbaPng(dst, img.width, img.height));
}

/**
 * Encodes a binary mask as a black (0) and white (255) PNG.
 *
 * @param mask the 0/1 mask.
 * @returns black and white PNG bytes.
 */
export async function encodeMaskPng(mask: BinaryMask): Promise<Uint8Array> {
  const n = mask.width * mask.height;
  const data = new Uint8Array(n * 3);
  for (let i = 0; i < n; i++) data.fill(mask.data[i] ? 255 : 0, 3 * i, 3 * i + 3);
  return await encodePng({ width: mask.width, height: mask.height, data });
}
