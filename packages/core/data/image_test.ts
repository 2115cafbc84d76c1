import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { decodeImage, decodeMask } from "./image.ts";
import { encodeMaskPng, encodePng } from "./encode.ts";

const fixture = (name: string) =>
  Deno.readFile(fileURLToPath(new URL(`../../../tests/fixtures/${name}`, import.meta.url)));

const RED = [200, 30, 40];
const BLUE = [30, 40, 200];

/** Checks pixel (x, y) of a 24x16 fixture against `want` within `tol`. */
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

for (
  const [name, tol] of [
    ["rgb.png", 0],
    ["rgba.png", 0],
    ["interlaced.png", 0],
    ["palette.png", 0],
    ["rgb.jpg", 8],
    ["progressive.jpg", 8],
  ] as const
) {
  Deno.test(`decodeImage reads ${name} as RGB`, async () => {
    const img = await decodeImage(await fixture(name), name);
    assert.equal(img.width, 24);
    assert.equal(img.height, 16);
    assert.equal(img.data.length, 24 * 16 * 3);
    near(img, 2, 3, RED, tol);
    near(img, 21, 12, BLUE, tol);
  });
}

for (const [name, tol] of [["gray.jpg", 8], ["gray16.png", 2]] as const) {
  Deno.test(`decodeImage expands grayscale ${name} to RGB`, async () => {
    const img = await decodeImage(await fixture(name), name);
    assert.equal(img.width, 24);
    near(img, 2, 3, [60, 60, 60], tol);
    near(img, 21, 12, [180, 180, 180], tol);
  });
}

Deno.test("PNG encode and decode round-trip exactly", async () => {
  const img = {
    width: 5,
    height: 3,
    data: Uint8Array.from({ length: 45 }, (_, i) => (i * 37) % 256),
  };
  const back = await decodeImage(await encodePng(img), "roundtrip.png");
  assert.deepEqual(back, img);
  const mask = { width: 4, height: 2, data: Uint8Array.from([0, 1, 1, 0, 1, 0, 0, 1]) };
  assert.deepEqual(await decodeMask(await encodeMaskPng(mask), "mask.png"), mask);
});

Deno.test("bad image bytes give errors that name the file", async () => {
  const png = await fixture("rgb.png");
  await assert.rejects(
    decodeImage(png.slice(0, 60), "cut.png"),
    /cut\.png: cannot decode the image/,
  );
  await assert.rejects(
    decodeImage(new Uint8Array(0), "empty.png"),
    /empty\.png: the file is empty/,
  );
  await assert.rejects(
    decodeImage(new TextEncoder().encode("BM not an image"), "scan.bmp"),
    /scan\.bmp: .*not a PNG, JPEG, TIFF or WebP/,
  );
  const jpg = await fixture("rgb.jpg");
  await assert.rejects(decodeImage(jpg.slice(0, 100), "cut.jpg"), /cut\.jpg: cannot decode/);
});
