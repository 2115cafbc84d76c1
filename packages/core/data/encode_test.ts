import assert from "node:assert/strict";
import decodeWebp from "@jsquash/webp/decode.js";
import {
  encodeImage,
  encodeJpeg,
  encodeMaskPng,
  encodePng,
  encodeWebp,
  IMAGE_FORMATS,
} from "./encode.ts";
import { decodeImage, decodeMask, type RgbImage } from "./image.ts";
import { sniffFormat } from "./codecs.ts";

/** A smooth gradient with a sharp-edged disc: both what photographs and overlays hold. */
function testImage(w = 61, h = 37): RgbImage {
  const data = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = 3 * (y * w + x);
      const disc = (x - 30) ** 2 + (y - 18) ** 2 < 100;
      data[i] = disc ? 230 : Math.round((255 * x) / w);
      data[i + 1] = disc ? 40 : Math.round((255 * y) / h);
      data[i + 2] = 128;
    }
  }
  return { width: w, height: h, data };
}

function psnr(a: Uint8Array, b: ArrayLike<number>): number {
  let se = 0;
  for (let i = 0; i < a.length; i++) se += (a[i] - b[i]) ** 2;
  return 10 * Math.log10((255 * 255) / (se / a.length));
}

Deno.test("PNG round-trips exactly through the decoders, masks as black and white", async () => {
  const img = testImage();
  const png = await encodePng(img);
  assert.equal(sniffFormat(png), "png");
  assert.deepEqual(await decodeImage(png, "rgb.png"), img);
  const mask = {
    width: 7,
    height: 5,
    data: Uint8Array.from({ length: 35 }, (_, i) => (i * 7) % 3 === 0 ? 1 : 0),
  };
  const maskPng = await encodeMaskPng(mask);
  assert.deepEqual(await decodeMask(maskPng, "mask.png"), mask);
  // IHDR: 1 bit per pixel, grayscale; encodePng takes the same path for a mask.
  assert.deepEqual([maskPng[24], maskPng[25]], [1, 0]);
  assert.deepEqual(await encodePng(mask), maskPng);
  const pixels = await decodeImage(maskPng, "mask.png");
  assert.deepEqual(new Set(pixels.data), new Set([0, 255]), "foreground is white, not 1");
});

Deno.test("JPEG and WebP decode to the image within lossy-codec error", async () => {
  const img = testImage();
  const jpeg = await encodeJpeg(img);
  assert.equal(sniffFormat(jpeg), "jpeg");
  const fromJpeg = await decodeImage(jpeg, "x.jpg");
  assert.deepEqual([fromJpeg.width, fromJpeg.height], [img.width, img.height]);
  // Measured 37.8 dB at quality 90 (4:2:0 chroma blurs the red disc's edge); a swapped
  // channel or a shifted row falls below 20 dB.
  assert.ok(psnr(img.data, fromJpeg.data) > 34, `JPEG PSNR ${psnr(img.data, fromJpeg.data)}`);
  const webp = await encodeWebp(img);
  assert.equal(new TextDecoder().decode(webp.subarray(8, 12)), "WEBP");
  // An independent decoder (libwebp's), since ours reads only PNG and JPEG.
  const d = await decodeWebp(webp.buffer as ArrayBuffer);
  assert.deepEqual([d.width, d.height], [img.width, img.height]);
  const rgb = new Uint8Array(img.data.length);
  for (let i = 0; i < d.width * d.height; i++) rgb.set(d.data.subarray(4 * i, 4 * i + 3), 3 * i);
  // Measured 30.9 dB: WebP's 4:2:0 chroma costs more on this tiny, sharp image.
  assert.ok(psnr(img.data, rgb) > 27, `WebP PSNR ${psnr(img.data, rgb)}`);
  // Lower quality is smaller: the setting reaches the codec.
  assert.ok((await encodeJpeg(img, { quality: 30 })).length < jpeg.length);
  assert.ok((await encodeWebp(img, { quality: 30 })).length < webp.length);
});

Deno.test("encodeImage dispatches on the format and rejects bad settings", async () => {
  const img = testImage(8, 8);
  const magic = await Promise.all(IMAGE_FORMATS.map((f) => encodeImage(img, f)));
  assert.deepEqual(magic.map((b) => b[0]), [0x89, 0xff, 0x52]);
  await assert.rejects(() => encodeJpeg(img, { quality: 0 }), /quality 0/);
  await assert.rejects(
    () => encodePng({ width: 3, height: 3, data: new Uint8Array(10) }),
    /10 bytes do not make a 3x3 image/,
  );
  await assert.rejects(
    () => encodeImage(img, "gif" as "png"),
    /unknown image format gif/,
  );
});
