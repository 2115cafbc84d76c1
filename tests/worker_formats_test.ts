// TIFF and WebP through the service: the same header-first limits as PNG and JPEG, and the
// same answer as the runtime gives for the decoded pixels.
import assert from "node:assert/strict";
import { decodeImage } from "@pointwise/core/lite";
import { loadOnnx } from "@pointwise/runtime";
import { createHandler } from "@pointwise/worker";
import { tinyOnnx } from "./_helpers.ts";

const model = await tinyOnnx();
const fixture = (name: string) => Deno.readFile(new URL(`./fixtures/${name}`, import.meta.url));
const handlerWith = (maxPixels: number) =>
  createHandler({ model, limits: { maxBytes: 200_000, maxPixels }, log: () => {} });
const post = (handler: (r: Request) => Promise<Response>, body: Uint8Array) =>
  handler(
    new Request("http://localhost/v1/localize", { method: "POST", body: body as BodyInit }),
  );

Deno.test("the service localizes TIFF (strips, tiles, JPEG-compressed) and WebP images", async () => {
  const handler = handlerWith(120 * 120);
  const reference = await loadOnnx(model, "model.onnx", { backend: "wasm" });
  for (
    const name of ["strip_lzw.tif", "tiled_jpeg.tif", "bigtiff.tif", "lossless.webp", "alpha.webp"]
  ) {
    const bytes = await fixture(name);
    const expected = await reference.predict(await decodeImage(bytes, name));
    const r = await post(handler, bytes);
    assert.equal(r.status, 200, name);
    const body = await r.json();
    assert.equal(body.class, expected.className, name);
    assert.equal(body.maskArea, expected.maskArea, name);
    assert.deepEqual([body.width, body.height], [24, 16], name);
  }
  await reference.dispose();
});

Deno.test("TIFF and WebP sizes are checked from the header against the pixel limit", async () => {
  const handler = handlerWith(300); // 24x16 = 384 pixels: over
  for (const name of ["strip_none.tif", "lossy.webp"]) {
    const r = await post(handler, await fixture(name));
    assert.equal(r.status, 413, name);
    assert.equal((await r.json()).error.code, "too_many_pixels");
  }
  const cut = (await fixture("strip_lzw.tif")).slice(0, 200);
  const r = await post(handlerWith(120 * 120), cut);
  assert.equal(r.status, 400);
  assert.equal((await r.json()).error.code, "bad_image");
});
