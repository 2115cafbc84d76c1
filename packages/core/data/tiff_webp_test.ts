import assert from "node:assert/strict";
import { decodeRgba, sniffFormat, UnsupportedImageError } from "./codecs.ts";
import { decodeImage } from "./image.ts";
import { readImageHeader } from "./image_header.ts";

// tests/fixtures/make_fixtures.sh (ImageMagick): 24x16, left half red (200, 30, 40), right
// half blue (30, 40, 200); the gray one is gray 60 | 180.
const fixture = (name: string) =>
  Deno.readFile(new URL(`../../../tests/fixtures/${name}`, import.meta.url));

function near(
  img: { width: number; data: Uint8Array },
  x: number,
  y: number,
  want: number[],
  tol: number,
) {
  const i = (y * img.width + x) * 3;
  const got = Array.from(img.data.subarray(i, i + 3));
  assert.ok(
    got.every((v, k) => Math.abs(v - want[k]) <= tol),
    `pixel (${x},${y}) is ${got}, want ${want}`,
  );
}

// Lossless codecs must give the exact colours; JPEG and lossy WebP within 8 levels (the same
// allowance as the JPEG fixtures' test: quality 90-95 on flat colour).
const CASES = [
  ["strip_none.tif", "tiff", 0],
  ["strip_lzw.tif", "tiff", 0],
  ["strip_deflate.tif", "tiff", 0],
  ["strip_packbits.tif", "tiff", 0],
  ["strip_jpeg.tif", "tiff", 8],
  ["tiled_lzw.tif", "tiff", 0],
  ["tiled_jpeg.tif", "tiff", 8],
  ["big_endian.tif", "tiff", 0],
  ["bigtiff.tif", "tiff", 0],
  ["rgba_deflate.tif", "tiff", 0],
  ["lossless.webp", "webp", 0],
  ["lossy.webp", "webp", 8],
  ["alpha.webp", "webp", 8],
] as const;

for (const [name, format, tol] of CASES) {
  Deno.test(`${name}: header first, then RGB pixels`, async () => {
    const bytes = await fixture(name);
    assert.equal(sniffFormat(bytes), format);
    assert.deepEqual(readImageHeader(bytes), { format, width: 24, height: 16 });
    const img = await decodeImage(bytes, name);
    assert.deepEqual([img.width, img.height, img.data.length], [24, 16, 24 * 16 * 3]);
    // Lossy WebP halves the chroma resolution: the columns next to the edge mix both colours.
    for (const [x, y] of [[0, 0], [2, 3], [9, 15]]) near(img, x, y, [200, 30, 40], tol);
    for (const [x, y] of [[14, 0], [21, 12], [23, 15]]) near(img, x, y, [30, 40, 200], tol);
  });
}

Deno.test("lossy WebP decodes exactly as libwebp's dwebp does", async () => {
  const ppm = await fixture("lossy_dwebp.ppm"); // "P6\n24 16\n255\n" then RGB
  let start = 0;
  for (let lines = 0; lines < 3; start++) if (ppm[start] === 10) lines++;
  const img = await decodeImage(await fixture("lossy.webp"), "lossy.webp");
  assert.deepEqual(img.data, ppm.subarray(start));
});

Deno.test("a grayscale TIFF expands to RGB", async () => {
  const img = await decodeImage(await fixture("gray_lzw.tif"), "gray_lzw.tif");
  near(img, 2, 3, [60, 60, 60], 0);
  near(img, 21, 12, [180, 180, 180], 0);
});

Deno.test("a TIFF declaring a huge size is measured from its header, never decoded", () => {
  // Little-endian TIFF, IFD at 8 with two LONG entries: 100000 x 100000, and no pixel data.
  const b = new Uint8Array(8 + 2 + 2 * 12 + 4);
  const v = new DataView(b.buffer);
  b.set([0x49, 0x49, 42, 0]);
  v.setUint32(4, 8, true);
  v.setUint16(8, 2, true);
  for (const [i, tag] of [256, 257].entries()) {
    v.setUint16(10 + 12 * i, tag, true);
    v.setUint16(12 + 12 * i, 4, true);
    v.setUint32(14 + 12 * i, 1, true);
    v.setUint32(18 + 12 * i, 100000, true);
  }
  assert.deepEqual(readImageHeader(b), { format: "tiff", width: 100000, height: 100000 });
  assert.throws(() => readImageHeader(b.subarray(0, 20)), /TIFF data is truncated/);
});

Deno.test("truncated or corrupt TIFF and WebP data fail with the file named", async () => {
  const tif = await fixture("strip_lzw.tif");
  await assert.rejects(
    decodeImage(tif.slice(0, 200), "cut.tif"),
    /cut\.tif: cannot decode the image/,
  );
  const webp = await fixture("lossy.webp");
  await assert.rejects(
    decodeImage(webp.slice(0, 60), "cut.webp"),
    /cut\.webp: cannot decode the image: the WebP data is corrupt or truncated/,
  );
  assert.throws(() => readImageHeader(webp.slice(0, 20)), /WebP data is truncated/);
  const animated = (await fixture("alpha.webp")).slice();
  animated[20] |= 0x02; // the VP8X animation flag
  assert.throws(() => readImageHeader(animated), /animated WebP is not read/);
  await assert.rejects(
    decodeRgba(new TextEncoder().encode("GIF89a......")),
    UnsupportedImageError,
  );
  assert.throws(
    () => readImageHeader(new TextEncoder().encode("BM......")),
    /not a PNG, JPEG, TIFF or WebP/,
  );
});
