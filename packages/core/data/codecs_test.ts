import assert from "node:assert/strict";
import { env } from "../config/env.ts";
import { decodeRgba, DecoderUnavailableError, encodeRgbaPng } from "./codecs.ts";

// This file decodes nothing before these tests: the decoders are compiled
// once per process, from the place env.wasmPaths names at that moment.
Deno.test("env.wasmPaths.decoders says where the decoders' wasm is fetched from", async () => {
  const png = encodeRgbaPng(Uint8Array.of(10, 20, 30, 255, 40, 50, 60, 255), 2, 1);
  const dir = new URL(".", import.meta.resolve("imagescript/wasm/any/png.wasm")).href;
  try {
    // A place without the files: the host's fault, named as such, and not remembered.
    env.wasmPaths.decoders = new URL("no-such-dir/", dir).href;
    await assert.rejects(
      decodeRgba(png),
      (e: Error) => e instanceof DecoderUnavailableError && /png decoder/.test(e.message),
    );
    env.wasmPaths.decoders = dir;
    const out = await decodeRgba(png);
    assert.deepEqual([out.width, out.height], [2, 1]);
    assert.deepEqual(Array.from(out.rgba), [10, 20, 30, 255, 40, 50, 60, 255]);
  } finally {
    env.wasmPaths.decoders = undefined;
  }
});
