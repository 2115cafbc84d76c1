import assert from "node:assert/strict";
import { decodeRgba } from "./codecs.ts";
import { readImageHeader } from "./image_header.ts";

const fixture = (name: string) =>
  Deno.readFile(new URL(`../../../tests/fixtures/${name}`, import.meta.url));

for (const name of ["rgb.png", "palette.png", "interlaced.png", "gray16.png", "rgba.png"]) {
  Deno.test(`the header of ${name} gives the decoder's size`, async () => {
    const bytes = await fixture(name);
    const { width, height } = await decodeRgba(bytes);
    assert.deepEqual(readImageHeader(bytes), { format: "png", width, height });
  });
}

for (const name of ["rgb.jpg", "gray.jpg", "progressive.jpg"]) {
  Deno.test(`the header of ${name} gives the decoder's size`, async () => {
    const bytes = await fixture(name);
    const { width, height } = await decodeRgba(bytes);
    assert.deepEqual(readImageHeader(bytes), { format: "jpeg", width, height });
  });
}

Deno.test("headers that are cut short or are not images are refused", async () => {
  const png = await fixture("rgb.png");
  const jpg = await fixture("rgb.jpg");
  assert.throws(() => readImageHeader(png.subarray(0, 20)), /PNG data is truncated/);
  assert.throws(() => readImageHeader(jpg.subarray(0, 12)), /JPEG data is truncated/);
  assert.throws(
    () => readImageHeader(new TextEncoder().encode("GIF89a....")),
    /not a PNG, JPEG, TIFF or WebP/,
  );
  assert.throws(() => readImageHeader(new Uint8Array()), /not a PNG, JPEG, TIFF or WebP/);
  const zero = png.slice();
  zero.fill(0, 16, 20); // width 0
  assert.throws(() => readImageHeader(zero), /gives no pixels/);
});

Deno.test("a PNG header claiming a huge size is read without decoding", () => {
  const b = new Uint8Array(33);
  b.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
  b.set([0x00, 0x01, 0x86, 0xa0, 0x00, 0x01, 0x86, 0xa0], 16); // 100000 x 100000
  assert.deepEqual(readImageHeader(b), { format: "png", width: 100000, height: 100000 });
});
