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
import { decodeRgba, UnsupportedImageError } from "./codecs.ts";
import { type ImageHeader, readImageHeader } from "./image_header.ts";

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

/**
 * The largest image decoded unless a caller says otherwise: 40 megapixels
 * (a 6000x4000 photograph fits; its RGBA pixels take 160 MB). The size is
 * read from the header, before any decoding.
 */
export const DEFAULT_MAX_PIXELS = 40_000_000;

/** An image whose header gives more pixels than the limit; nothing was decoded. */
export class ImageTooLargeError extends Error {
  override name = "ImageTooLargeError";

  /**
   * @param file the image, for messages.
   * @param width its width, from the header.
   * @param height its height, from the header.
   * @param limit the pixel limit it passes.
   */
  constructor(
    readonly file: string,
    readonly width: number,
    readonly height: number,
    readonly limit: number,
  ) {
    super(
      `${file}: the image is ${width}x${height} (${
        (width * height / 1e6).toFixed(1)
      } megapixels), over the limit of ${limit} pixels; crop or downscale it`,
    );
  }
}

/** Options of {@link decodeImage} and {@link decodeMask}. */
export interface DecodeOptions {
  /** Refuse images with more pixels than this [DEFAULT_MAX_PIXELS]. */
  maxPixels?: number;
}

/** The header, or undefined where only the decoder can say what is wrong. */
function headerOf(bytes: Uint8Array, name: string): ImageHeader | undefined {
  try {
    return readImageHeader(bytes);
  } catch (e) {
    if (e instanceof UnsupportedImageError) return undefined;
    throw new Error(`${name}: cannot decode the image: ${(e as Error).message}`, { cause: e });
  }
}

async function decodeNamed(
  bytes: Uint8Array,
  name: string,
  o: DecodeOptions,
): Promise<{ width: number; height: number; bitmap: Uint8Array }> {
  if (bytes.length === 0) throw new Error(`${name}: the file is empty`);
  const header = headerOf(bytes, name);
  const limit = o.maxPixels ?? DEFAULT_MAX_PIXELS;
  if (header !== undefined && header.width * header.height > limit) {
    throw new ImageTooLargeError(name, header.width, header.height, limit);
  }
  try {
    const { width, height, rgba } = await decodeRgba(bytes);
    return { width, height, bitmap: rgba };
  } catch (e) {
    // The wasm decoders trap ("unreachable") or run out of memory on some
    // damaged data: the image's fault, said in words.
    const why = e instanceof WebAssembly.RuntimeError
      ? `the ${header?.format ?? "image"} decoder failed (${e.message}) on ${
        header ? `a ${header.width}x${header.height} image` : "it"
      }: the data is corrupt, or too large for the decoder's memory`
      : (e as Error).message ?? String(e);
    throw new Error(`${name}: cannot decode the image: ${why}`, { cause: e });
  }
}

/**
 * Decodes PNG, JPEG, TIFF or WebP bytes to RGB. `name` goes into error messages.
 *
 * @param bytes PNG, JPEG, TIFF or WebP bytes.
 * @param name the file, for errors.
 * @returns the RGB pixels.
 * @param o the pixel limit, checked from the header before decoding.
 * @throws {Error} naming the file when it is empty or cannot be decoded (its `cause` says why).
 * @throws {ImageTooLargeError} when the header gives more than `o.maxPixels` pixels.
 */
export async function decodeImage(
  bytes: Uint8Array,
  name: string,
  o: DecodeOptions = {},
): Promise<RgbImage> {
  const img = await decodeNamed(bytes, name, o);
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
 * @param o the pixel limit, checked from the header before decoding.
 * @throws {Error} naming the file when it is empty or cannot be decoded.
 */
export async function decodeMask(
  bytes: Uint8Array,
  name: string,
  o: DecodeOptions = {},
): Promise<BinaryMask> {
  const img = await decodeNamed(bytes, name, o);
  const n = img.width * img.height;
  const src = img.bitmap;
  const data = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    data[i] = src[4 * i] !== 0 || src[4 * i + 1] !== 0 || src[4 * i + 2] !== 0 ? 1 : 0;
  }
  return { width: img.width, height: img.height, data };
}
