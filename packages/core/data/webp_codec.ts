/**
 * WebP decoding through the maintained `@jsquash/webp` package (libwebp
 * compiled to wasm: lossy, lossless, alpha). Its wasm is fetched from the
 * package and compiled once here, so that the emscripten loader never looks
 * for Node's file system (in Deno it would otherwise take the Node path);
 * Deno then needs only read access to the npm cache. Note that the package
 * defines `globalThis.ImageData` where a runtime has none (Deno, Node).
 * Animated WebP is refused. The header reader gives the canvas size from
 * the VP8, VP8L or VP8X chunk without decoding.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { decodeWebp, readWebpHeader, webpDecoder } from "./webp_codec.ts";
 * // A 24x16 lossless fixture, red on its left half.
 * const bytes = await Deno.readFile(new URL("../../../tests/fixtures/lossless.webp", import.meta.url));
 * assert.deepEqual(readWebpHeader(bytes), { width: 24, height: 16, animated: false });
 * const { rgba } = await decodeWebp(bytes, await webpDecoder());
 * assert.deepEqual(Array.from(rgba.subarray(0, 4)), [200, 30, 40, 255]);
 * ```
 * @module
 */
import { assetUrl } from "../config/env.ts";
/** Decoded pixels (the shape of `codecs.ts`'s RgbaPixels, which imports this module). */
interface RgbaPixels {
  width: number;
  height: number;
  rgba: Uint8Array;
}

/** True for "RIFF....WEBP". */
export function isWebp(b: Uint8Array): boolean {
  const at = (s: string, p: number) => [...s].every((c, i) => b[p + i] === c.charCodeAt(0));
  return b.length >= 12 && at("RIFF", 0) && at("WEBP", 8);
}

/** Canvas size from the first chunk: VP8 (lossy), VP8L (lossless) or VP8X (extended). */
export function readWebpHeader(
  b: Uint8Array,
): { width: number; height: number; animated: boolean } {
  if (b.length < 30) throw new Error("the WebP data is truncated");
  const chunk = String.fromCharCode(b[12], b[13], b[14], b[15]);
  const u16 = (p: number) => b[p] | (b[p + 1] << 8);
  const u24 = (p: number) => b[p] | (b[p + 1] << 8) | (b[p + 2] << 16);
  if (chunk === "VP8 ") {
    if (b[23] !== 0x9d || b[24] !== 0x01 || b[25] !== 0x2a) {
      throw new Error("not a valid WebP (no VP8 start code)");
    }
    return { width: u16(26) & 0x3fff, height: u16(28) & 0x3fff, animated: false };
  }
  if (chunk === "VP8L") {
    if (b[20] !== 0x2f) throw new Error("not a valid WebP (no VP8L signature)");
    const bits = b[21] | (b[22] << 8) | (b[23] << 16) | (b[24] << 24);
    return { width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1, animated: false };
  }
  if (chunk === "VP8X") {
    return { width: u24(24) + 1, height: u24(27) + 1, animated: (b[20] & 0x02) !== 0 };
  }
  throw new Error(`not a valid WebP (first chunk '${chunk}')`);
}

type Decode = (
  buffer: ArrayBuffer,
) => Promise<{ width: number; height: number; data: Uint8ClampedArray }>;
let decoder: Promise<Decode> | undefined;

async function loadDecoder(): Promise<Decode> {
  const { default: decode, init } = await import("@jsquash/webp/decode.js");
  const url = assetUrl("@jsquash/webp/codec/dec/webp_dec.wasm");
  const r = await fetch(url);
  if (!r.ok) throw new Error(`HTTP ${r.status}`);
  await init(await WebAssembly.compile(await r.arrayBuffer()));
  return decode as unknown as Decode;
}

/** Loads (once) the wasm decoder; rejects when the host cannot provide it. */
export function webpDecoder(): Promise<Decode> {
  decoder ??= loadDecoder().catch((e) => {
    decoder = undefined; // a later call may succeed
    throw e;
  });
  return decoder;
}

/** Decodes a still WebP image to RGBA. */
export async function decodeWebp(bytes: Uint8Array, decode: Decode): Promise<RgbaPixels> {
  if (readWebpHeader(bytes).animated) throw new Error("animated WebP is not read");
  let img;
  try {
    img = await decode(bytes.slice().buffer);
  } catch {
    throw new Error("the WebP data is corrupt or truncated");
  }
  return {
    width: img.width,
    height: img.height,
    rgba: new Uint8Array(img.data.buffer, img.data.byteOffset, img.data.byteLength),
  };
}
