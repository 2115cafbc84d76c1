/**
 * PNG and JPEG codecs from imagescript, used without its Node entry point
 * (which loads a native add-on through FFI and reads environment variables):
 * its wasm PNG and JPEG decoders, fetched from the package (or from under
 * `env.assetBase`, where a browser bundle serves them) and compiled once.
 * TIFF (`geotiff`) and WebP (`@jsquash/webp`) are decoded by the modules
 * beside this one, loaded on first use. Output pixels are RGBA. (Encoding is
 * `encode.ts`'s.)
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { decodeRgba } from "./codecs.ts";
 * import { encodeMaskPng } from "./encode.ts";
 * const png = await encodeMaskPng({ width: 2, height: 1, data: Uint8Array.of(1, 0) });
 * const { width, height, rgba } = await decodeRgba(png);
 * assert.deepEqual([width, height, Array.from(rgba)], [2, 1, [255, 255, 255, 255, 0, 0, 0, 255]]);
 * ```
 * @module
 */
import { assetUrl } from "../config/env.ts";
import { decodeTiff, isTiff } from "./tiff_codec.ts";
import { decodeWebp, isWebp, webpDecoder } from "./webp_codec.ts";

/** Decoded pixels. */
export interface RgbaPixels {
  width: number;
  height: number;
  rgba: Uint8Array;
}

/**
 * The decoder itself could not be loaded: a fault of the host (permissions,
 * network, memory), not of the image.
 */
export class DecoderUnavailableError extends Error {
  /**
   * @param message why the decoder could not be loaded.
   */
  constructor(message: string) {
    super(message);
    this.name = "DecoderUnavailableError";
  }
}

const modules = new Map<string, Promise<WebAssembly.Module>>();

function compile(name: "png" | "jpeg"): Promise<WebAssembly.Module> {
  let m = modules.get(name);
  if (m === undefined) {
    // Inside the chain, so that a URL that cannot be resolved (a bundle without
    // `env.assetBase`) is a DecoderUnavailableError too.
    m = Promise.resolve().then(() => fetch(assetUrl(`imagescript/wasm/any/${name}.wasm`)))
      .then(async (r) => {
        if (!r.ok) throw new Error(`HTTP ${r.status}`);
        return await WebAssembly.compile(await r.arrayBuffer());
      }).catch((e) => {
        // Not cached: a later call may succeed (a transient fetch failure).
        modules.delete(name);
        throw new DecoderUnavailableError(
          `cannot load the ${name} decoder (${(e as Error).message})`,
        );
      });
    modules.set(name, m);
  }
  return m;
}

/** The image formats that are decoded. */
export type InputImageFormat = "png" | "jpeg" | "tiff" | "webp";

/** Bytes that are not an image format Pointwise decodes. */
export class UnsupportedImageError extends Error {
  override name = "UnsupportedImageError";
}

/** The message of an {@link UnsupportedImageError}. */
export const UNSUPPORTED_IMAGE = "not a PNG, JPEG, TIFF or WebP image";

/**
 * The image format of `bytes` from its signature, or null.
 *
 * @param bytes the file's first bytes.
 */
export function sniffFormat(bytes: Uint8Array): InputImageFormat | null {
  const png = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (bytes.length >= 8 && png.every((b, i) => bytes[i] === b)) return "png";
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) {
    return "jpeg";
  }
  if (isTiff(bytes)) return "tiff";
  if (isWebp(bytes)) return "webp";
  return null;
}

interface PngExports {
  memory: WebAssembly.Memory;
  walloc(n: number): number;
  wfree(p: number): void;
  decode(p: number, n: number): number;
  width(): number;
  height(): number;
}

async function decodePng(bytes: Uint8Array): Promise<RgbaPixels> {
  // The decoder only announces memory growth; views are re-read after calls.
  const instance = await WebAssembly.instantiate(await compile("png"), {
    env: { emscripten_notify_memory_growth() {} },
  });
  const w = instance.exports as unknown as PngExports;
  const ptr = w.walloc(bytes.length);
  new Uint8Array(w.memory.buffer).set(bytes, ptr);
  const status = w.decode(ptr, bytes.length);
  w.wfree(ptr);
  if (status < 0) {
    throw new Error(`the PNG data is corrupt or truncated (decoder status ${status})`);
  }
  const width = w.width();
  const height = w.height();
  const rgba = new Uint8Array(w.memory.buffer).slice(status, status + 4 * width * height);
  w.wfree(status);
  return { width, height, rgba };
}

interface JpegExports {
  memory: WebAssembly.Memory;
  walloc(n: number): number;
  wfree(p: number, n: number): void;
  wlen(): number;
  decode(p: number, n: number, w: number, h: number): number;
  decode_width(p: number): number;
  decode_height(p: number): number;
  decode_format(p: number): number;
  decode_buffer(p: number): number;
  decode_free(p: number): void;
}

async function decodeJpeg(bytes: Uint8Array): Promise<RgbaPixels> {
  const instance = await WebAssembly.instantiate(await compile("jpeg"), {});
  const w = instance.exports as unknown as JpegExports;
  const ptr = w.walloc(bytes.length);
  new Uint8Array(w.memory.buffer, ptr, bytes.length).set(bytes);
  const handle = w.decode(ptr, bytes.length, 0, 0);
  if (handle === 0 || handle === 1) throw new Error("the JPEG data is corrupt or truncated");
  const width = w.decode_width(handle);
  const height = w.decode_height(handle);
  const format = w.decode_format(handle);
  const src = new Uint8Array(w.memory.buffer, w.decode_buffer(handle), w.wlen()).slice();
  w.decode_free(handle);
  const n = width * height;
  const rgba = new Uint8Array(4 * n);
  if (format === 0) {
    for (let i = 0; i < n; i++) rgba.fill(src[i], 4 * i, 4 * i + 3), rgba[4 * i + 3] = 255;
  } else if (format === 1) {
    for (let i = 0; i < n; i++) {
      rgba[4 * i] = src[3 * i];
      rgba[4 * i + 1] = src[3 * i + 1];
      rgba[4 * i + 2] = src[3 * i + 2];
      rgba[4 * i + 3] = 255;
    }
  } else if (format === 2) {
    // Inverted CMYK, converted as imagescript's decoder does.
    for (let i = 0; i < n; i++) {
      const k = 1 - src[4 * i + 3] / 255;
      for (let c = 0; c < 3; c++) {
        rgba[4 * i + c] = Math.round(255 * (1 - src[4 * i + c] / 255) * k);
      }
      rgba[4 * i + 3] = 255;
    }
  } else {
    throw new Error(`unsupported JPEG pixel format ${format}`);
  }
  if (src.length < n * [1, 3, 4][format]) throw new Error("the JPEG data is truncated");
  return { width, height, rgba };
}

/**
 * Decodes PNG, JPEG, TIFF or WebP bytes to RGBA.
 *
 * @param bytes PNG, JPEG, TIFF or WebP bytes.
 * @returns the pixels, RGBA.
 * @throws {UnsupportedImageError} for bytes of another format.
 * @throws {DecoderUnavailableError} when the decoder cannot be loaded (the host's fault).
 * @throws {Error} for data that is corrupt or truncated.
 */
export async function decodeRgba(bytes: Uint8Array): Promise<RgbaPixels> {
  const format = sniffFormat(bytes);
  if (format === null) {
    throw new UnsupportedImageError(`${UNSUPPORTED_IMAGE} (other formats must be converted first)`);
  }
  const out = format === "png"
    ? await decodePng(bytes)
    : format === "jpeg"
    ? await decodeJpeg(bytes)
    : format === "tiff"
    ? await decodeTiff(bytes)
    : await decodeWebp(bytes, await loadWebp());
  if (!(out.width > 0 && out.height > 0)) throw new Error("the image has no pixels");
  return out;
}

function loadWebp() {
  return webpDecoder().catch((e) => {
    throw new DecoderUnavailableError(`cannot load the webp decoder (${(e as Error).message})`);
  });
}
