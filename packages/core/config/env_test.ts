import assert from "node:assert/strict";
import { decodeRgba, DecoderUnavailableError } from "../data/codecs.ts";
import { encodeImage, encodeMaskPng } from "../data/encode.ts";
import { loadFont } from "../viz/text.ts";
import { env } from "./env.ts";

// Every file a package fetches at run time is fetched once per process, so
// this file uses no decoder, encoder or font before setting env.assetBase.
Deno.test("under env.assetBase, the decoders, the encoders and the font come from there", async () => {
  const asked: string[] = [];
  // A server of package files by package path, as a browser bundle's host serves them.
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    const path = decodeURIComponent(new URL(req.url).pathname);
    if (!path.startsWith("/vendor/")) return new Response("not found", { status: 404 });
    const specifier = path.slice("/vendor/".length);
    asked.push(specifier);
    const bytes = await Deno.readFile(new URL(import.meta.resolve(specifier)));
    const type = specifier.endsWith(".wasm") ? "application/wasm" : "application/octet-stream";
    return new Response(bytes, { headers: { "content-type": type } });
  });
  const base = `http://127.0.0.1:${server.addr.port}/`;
  const image = { width: 16, height: 8, data: new Uint8Array(16 * 8 * 3).fill(200) };
  try {
    // Nothing served there: the host's fault, named as such, and not remembered.
    const mask = await encodeMaskPng({ width: 2, height: 1, data: Uint8Array.of(1, 0) });
    env.assetBase = `${base}nothing/`;
    await assert.rejects(decodeRgba(mask), DecoderUnavailableError);
    env.assetBase = `${base}vendor/`;
    assert.deepEqual(Array.from((await decodeRgba(mask)).rgba), [255, 255, 255, 255, 0, 0, 0, 255]);
    for (const format of ["png", "jpeg", "webp"] as const) {
      const back = await decodeRgba(await encodeImage(image, format));
      assert.deepEqual([back.width, back.height], [16, 8], format);
      assert.ok(Math.abs(back.rgba[0] - 200) <= 2, `${format}: ${back.rgba[0]}`);
    }
    assert.ok((await loadFont()).face !== undefined);
    const simd = asked.includes("@jsquash/webp/codec/enc/webp_enc_simd.wasm");
    assert.deepEqual(asked.sort(), [
      "@fontsource/noto-sans/files/noto-sans-latin-400-normal.woff",
      "@jsquash/jpeg/codec/enc/mozjpeg_enc.wasm",
      "@jsquash/oxipng/codec/pkg/squoosh_oxipng_bg.wasm",
      "@jsquash/webp/codec/dec/webp_dec.wasm",
      `@jsquash/webp/codec/enc/${simd ? "webp_enc_simd.wasm" : "webp_enc.wasm"}`,
      "imagescript/wasm/any/jpeg.wasm",
      "imagescript/wasm/any/png.wasm",
    ]);
  } finally {
    env.assetBase = undefined;
    await server.shutdown();
  }
});
