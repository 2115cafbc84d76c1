/**
 * Continuous heat maps as grayscale PNG: written 16-bit (a value v in [0, 1]
 * becomes round(v * 65535), so the map keeps about 4.8 significant digits,
 * far finer than the 0.01 steps of PxAP), read from 8-bit (v / 255) or
 * 16-bit (v / 65535) grayscale files. A colour PNG is read only when its
 * three channels agree everywhere (a gray map saved as RGB); a colour-mapped
 * heat map cannot be turned back into values and is refused. Codec: the
 * maintained `fast-png` package (pure JavaScript, 16-bit capable).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { decodeHeatmapPng, encodeHeatmapPng16 } from "./heatmap_png.ts";
 * const png = encodeHeatmapPng16(new Float32Array([0, 0.5, 1, 0.25]), 2, 2);
 * const map = decodeHeatmapPng(png, "map.png");
 * assert.equal(map.data[2], 1);
 * assert.ok(Math.abs(map.data[1] - 0.5) < 1 / 65535); // 16 bits a value
 * ```
 * @module
 */
import { decode, encode } from "fast-png";

/** A map of values in [0, 1], row-major. */
export interface HeatmapValues {
  width: number;
  height: number;
  data: Float32Array;
}

/**
 * Encodes a map of values in [0, 1] as a 16-bit grayscale PNG; throws on values outside.
 *
 * @param map values in [0, 1], row-major.
 * @param width the map's width.
 * @param height the map's height.
 * @returns 16-bit grayscale PNG bytes.
 */
export function encodeHeatmapPng16(
  map: ArrayLike<number>,
  width: number,
  height: number,
): Uint8Array {
  if (map.length !== width * height) {
    throw new Error(`a ${width}x${height} map needs ${width * height} values, got ${map.length}`);
  }
  const data = new Uint16Array(map.length);
  for (let i = 0; i < map.length; i++) {
    const v = map[i];
    if (!(v >= 0 && v <= 1)) throw new Error(`heat map value ${v} at pixel ${i} is outside [0, 1]`);
    data[i] = Math.round(v * 65535);
  }
  return encode({ width, height, data, depth: 16, channels: 1 });
}

/**
 * Decodes an 8- or 16-bit grayscale PNG into values in [0, 1].
 *
 * @param bytes an 8 or 16-bit grayscale PNG.
 * @param name the file, named in every error.
 * @returns the values in [0, 1], and the size.
 */
export function decodeHeatmapPng(bytes: Uint8Array, name: string): HeatmapValues {
  let png;
  try {
    png = decode(bytes);
  } catch (e) {
    throw new Error(`${name}: cannot decode the PNG: ${(e as Error).message}`);
  }
  const { width, height, depth, channels } = png;
  if (png.palette !== undefined) {
    throw new Error(`${name}: a palette PNG; a heat map must be grayscale (8 or 16 bit)`);
  }
  if (depth !== 8 && depth !== 16) {
    throw new Error(`${name}: ${depth}-bit PNG; a heat map must be 8 or 16 bit`);
  }
  const n = width * height;
  const src = png.data;
  const out = new Float32Array(n);
  const scale = depth === 16 ? 65535 : 255;
  if (channels <= 2) { // gray, or gray + alpha (alpha ignored)
    for (let i = 0; i < n; i++) out[i] = src[i * channels] / scale;
  } else {
    for (let i = 0; i < n; i++) {
      const r = src[i * channels];
      if (src[i * channels + 1] !== r || src[i * channels + 2] !== r) {
        throw new Error(
          `${name}: a colour PNG (pixel ${i % width},${Math.floor(i / width)} is not gray); a ` +
            "heat map must hold its values as grayscale, not through a colour map",
        );
      }
      out[i] = r / scale;
    }
  }
  return { width, height, data: out };
}
