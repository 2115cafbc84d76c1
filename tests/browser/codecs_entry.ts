// Bundled for the browser by tests/codecs_browser_test.ts: the core's TIFF and WebP decoders.
import { decodeRgba, readImageHeader } from "@pointwise/core/data";

/** Header and first pixel of each image, as the page reports them. */
export async function decodeAll(files: Uint8Array[]): Promise<number[][]> {
  const out: number[][] = [];
  for (const bytes of files) {
    const h = readImageHeader(bytes);
    const { width, height, rgba } = await decodeRgba(bytes);
    out.push([h.width, h.height, width, height, ...rgba.subarray(0, 4)]);
  }
  return out;
}
