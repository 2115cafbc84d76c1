/**
 * Image encoders from maintained packages: pictures as PNG by oxipng (it
 * tries the PNG filters and compresses with libdeflate), JPEG by MozJPEG and
 * WebP by libwebp, the WebAssembly builds of the `@jsquash` packages (the
 * Squoosh codecs); masks as 1-bit grayscale PNG by fast-png (pure
 * JavaScript, fflate's deflate), which takes milliseconds where oxipng's
 * search over reductions takes a second for a mask. The wasm files are
 * fetched from the packages on first use, so Deno needs only `--allow-read`
 * and a browser nothing more than the page's origin. Photographs (overlays, panels,
 * figures) are 3.5 to 6 times smaller as JPEG or WebP; masks stay PNG, which
 * is lossless and shrinks a 0/1 mask to one bit per pixel.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { encodeImage, encodePng } from "./encode.ts";
 * const img = { width: 16, height: 8, data: new Uint8Array(16 * 8 * 3).fill(128) };
 * const png = await encodePng(img);
 * const jpeg = await encodeImage(img, "jpeg", { quality: 90 });
 * assert.deepEqual([png[1], png[2], png[3]], [0x50, 0x4e, 0x47]); // "PNG"
 * assert.deepEqual([jpeg[0], jpeg[1]], [0xff, 0xd8]);
 * ```
 * @module
 */
import initOxipng, { optimise_raw } from "@jsquash/oxipng/codec/pkg/squoosh_oxipng.js";
import encodeMozjpeg, { init as initMozjpeg } from "@jsquash/jpeg/encode.js";
import encodeLibwebp, { init as initLibwebp } from "@jsquash/webp/encode.js";
import { encode as encodeFastPng } from "fast-png";
import { assetUrl, env } from "../config/env.ts";
import type { BinaryMask, RgbImage } from "./image.ts";

/** The formats pictures can be written in. */
export type ImageFormat = "png" | "jpeg" | "webp";

/** Every {@link ImageFormat}, PNG first. */
export const IMAGE_FORMATS: readonly ImageFormat[] = ["png", "jpeg", "webp"];

/** The file extension of each format, without the dot. */
export const IMAGE_EXTENSIONS: Readonly<Record<ImageFormat, string>> = {
  png: "png",
  jpeg: "jpg",
  webp: "webp",
};

/** The media type of each format. */
export const IMAGE_MEDIA_TYPES: Readonly<Record<ImageFormat, string>> = {
  png: "image/png",
  jpeg: "image/jpeg",
  webp: "image/webp",
};

/** Encoder settings. */
export interface EncodeOptions {
  /** JPEG and WebP quality, 1 to 100 [90]. */
  quality?: number;
  /** oxipng's effort, 0 (fast) to 6; above 1 gains little on photographs [1]. */
  pngLevel?: number;
}

/**
 * The encoder itself could not be loaded: a fault of the host (permissions,
 * network, memory), not of the image.
 */
export class EncoderUnavailableError extends Error {
  /**
   * @param message why the encoder could not be loaded.
   * @param options the cause.
   */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "EncoderUnavailableError";
  }
}

let oxipng: Promise<unknown> | undefined;

function loadOxipng(): Promise<unknown> {
  // Inside the chain, so that a URL that cannot be resolved is an EncoderUnavailableError too.
  oxipng ??= Promise.resolve().then(() =>
    initOxipng(assetUrl("@jsquash/oxipng/codec/pkg/squoosh_oxipng_bg.wasm"))
  ).catch((e) => {
    // Not cached: a later call may succeed (a transient fetch failure).
    oxipng = undefined;
    throw new EncoderUnavailableError(
      `cannot load the PNG encoder (${(e as Error).message})`,
      { cause: e },
    );
  });
  return oxipng;
}

/** RGB (3 bytes a pixel) or a 0/1 mask (1 byte) as opaque RGBA; a mask becomes black and white. */
function toRgba(img: RgbImage | BinaryMask): Uint8ClampedArray {
  const n = img.width * img.height;
  if (!(img.width > 0 && img.height > 0)) throw new Error("cannot encode an image with no pixels");
  const channels = img.data.length / n;
  if (channels !== 3 && channels !== 1) {
    throw new Error(`${img.data.length} bytes do not make a ${img.width}x${img.height} image`);
  }
  const rgba = new Uint8ClampedArray(4 * n);
  if (channels === 3) {
    for (let i = 0; i < n; i++) {
      rgba[4 * i] = img.data[3 * i];
      rgba[4 * i + 1] = img.data[3 * i + 1];
      rgba[4 * i + 2] = img.data[3 * i + 2];
      rgba[4 * i + 3] = 255;
    }
  } else {
    for (let i = 0; i < n; i++) {
      rgba.fill(img.data[i] ? 255 : 0, 4 * i, 4 * i + 3);
      rgba[4 * i + 3] = 255;
    }
  }
  return rgba;
}

function quality(o: EncodeOptions): number {
  const q = o.quality ?? 90;
  if (!(q >= 1 && q <= 100)) throw new Error(`image quality ${q} is not between 1 and 100`);
  return q;
}

/** What the jsquash encoders read: `ImageData`'s fields, without needing the class. */
function imageData(img: RgbImage | BinaryMask): ImageData {
  return { data: toRgba(img), width: img.width, height: img.height } as ImageData;
}

async function run<T>(name: string, f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (e) {
    // A failed instantiation surfaces from the codec's first call.
    if (e instanceof WebAssembly.CompileError || e instanceof TypeError) {
      throw new EncoderUnavailableError(
        `cannot load the ${name} encoder (${(e as Error).message})`,
        { cause: e },
      );
    }
    throw e;
  }
}

/**
 * Encodes an RGB image as PNG (lossless), or a 0/1 mask as a black and white
 * 1-bit PNG.
 *
 * @param img the RGB image, or a 0/1 mask.
 * @param o oxipng's effort.
 * @returns the PNG bytes.
 * @throws {EncoderUnavailableError} when oxipng cannot be loaded.
 */
export async function encodePng(
  img: RgbImage | BinaryMask,
  o: EncodeOptions = {},
): Promise<Uint8Array> {
  if (img.data.length === img.width * img.height) return await encodeMaskPng(img);
  const level = o.pngLevel ?? 1;
  const rgba = toRgba(img);
  await loadOxipng();
  return optimise_raw(rgba, img.width, img.height, level, false, false);
}

// wasm-feature-detect's SIMD probe, the one `@jsquash/webp` uses to pick its build.
const SIMD_PROBE = Uint8Array.of(
  ...[0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0],
  ...[253, 15, 253, 98, 11],
);

async function compileAsset(specifier: string): Promise<WebAssembly.Module> {
  const r = await fetch(assetUrl(specifier));
  if (!r.ok) throw new Error(`HTTP ${r.status}`);
  return await WebAssembly.compile(await r.arrayBuffer());
}

/**
 * Under `env.assetBase` (a browser bundle), the JPEG and WebP encoders get
 * their wasm compiled from there; elsewhere each finds it beside its own
 * module, in its package. (Their emscripten loaders would take Node's file
 * system for a URL in Deno, so the modules are handed over compiled.)
 */
let loadedUnder: Promise<void> | undefined;
let loadedBase: string | undefined;
function locateEncoders(name: string): Promise<void> {
  const base = env.assetBase;
  if (base === undefined) return Promise.resolve();
  if (loadedBase !== base) {
    loadedBase = base;
    const webp = WebAssembly.validate(SIMD_PROBE) ? "webp_enc_simd.wasm" : "webp_enc.wasm";
    loadedUnder = Promise.all([
      compileAsset("@jsquash/jpeg/codec/enc/mozjpeg_enc.wasm").then((m) => initMozjpeg(m)),
      compileAsset(`@jsquash/webp/codec/enc/${webp}`).then((m) => initLibwebp(m)),
    ]).then(() => {}, (e) => {
      loadedBase = undefined; // a later call may succeed
      throw e;
    });
  }
  return loadedUnder!.catch((e) => {
    throw new EncoderUnavailableError(`cannot load the ${name} encoder (${(e as Error).message})`, {
      cause: e,
    });
  });
}

/**
 * Encodes as a progressive JPEG with MozJPEG (4:2:0 chroma) at `quality` [90].
 *
 * @param img the RGB image.
 * @param o the quality.
 * @returns the JPEG bytes.
 * @throws {EncoderUnavailableError} when MozJPEG cannot be loaded.
 */
export async function encodeJpeg(img: RgbImage, o: EncodeOptions = {}): Promise<Uint8Array> {
  const q = quality(o);
  const data = imageData(img);
  await locateEncoders("JPEG");
  return new Uint8Array(await run("JPEG", () => encodeMozjpeg(data, { quality: q })));
}

/**
 * Encodes as lossy WebP with libwebp at `quality` [90].
 *
 * @param img the RGB image.
 * @param o the quality.
 * @returns the WebP bytes.
 * @throws {EncoderUnavailableError} when libwebp cannot be loaded.
 */
export async function encodeWebp(img: RgbImage, o: EncodeOptions = {}): Promise<Uint8Array> {
  const q = quality(o);
  const data = imageData(img);
  await locateEncoders("WebP");
  return new Uint8Array(await run("WebP", () => encodeLibwebp(data, { quality: q })));
}

/**
 * Encodes in `format`.
 *
 * @param img the RGB image.
 * @param format PNG, JPEG or WebP.
 * @param o the quality, or oxipng's effort.
 * @returns the file's bytes.
 * @throws {EncoderUnavailableError} when the encoder cannot be loaded.
 */
export async function encodeImage(
  img: RgbImage,
  format: ImageFormat,
  o: EncodeOptions = {},
): Promise<Uint8Array> {
  switch (format) {
    case "png":
      return await encodePng(img, o);
    case "jpeg":
      return await encodeJpeg(img, o);
    case "webp":
      return await encodeWebp(img, o);
    default:
      throw new Error(`unknown image format ${format as string} (png, jpeg or webp)`);
  }
}

/**
 * Encodes a binary mask as a black (0) and white (1 bits: 255) 1-bit grayscale PNG.
 *
 * @param mask the 0/1 mask.
 * @returns the PNG bytes (a bad mask rejects, as the other encoders do).
 */
export function encodeMaskPng(mask: BinaryMask): Promise<Uint8Array> {
  return Promise.resolve(mask).then(oneBitPng);
}

function oneBitPng(mask: BinaryMask): Uint8Array {
  const { width: w, height: h } = mask;
  if (!(w > 0 && h > 0)) throw new Error("cannot encode an image with no pixels");
  if (mask.data.length !== w * h) {
    throw new Error(`${mask.data.length} bytes do not make a ${w}x${h} mask`);
  }
  // Rows of bits, most significant first, each row starting on a byte.
  const stride = Math.ceil(w / 8);
  const bits = new Uint8Array(stride * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      if (mask.data[y * w + x]) bits[y * stride + (x >> 3)] |= 0x80 >> (x & 7);
    }
  }
  // Filter "none" suits 1-bit rows (fast-png writes no other); deflate does the rest.
  return encodeFastPng({ width: w, height: h, data: bits, depth: 1, channels: 1 }, {
    zlib: { level: 9 },
  });
}
