import assert from "node:assert/strict";
import { encodeSafetensors } from "./safetensors.ts";
import { sniffFileType } from "./file_type.ts";

Deno.test("file types are told apart by their first bytes", () => {
  const enc = new TextEncoder();
  const w = new Map([["w", { shape: [1], data: Float32Array.of(1) }]]);
  assert.equal(sniffFileType(encodeSafetensors(w)), "safetensors");
  assert.equal(sniffFileType(Uint8Array.of(0x08, 0x08, 0x12, 0x07, 0x70, 0x77)), "onnx");
  assert.equal(sniffFileType(Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 13, 10)), "png");
  assert.equal(sniffFileType(Uint8Array.of(0xff, 0xd8, 0xff, 0xe0)), "jpeg");
  assert.equal(sniffFileType(Uint8Array.of(0x49, 0x49, 0x2a, 0)), "tiff");
  assert.equal(sniffFileType(Uint8Array.of(0x4d, 0x4d, 0, 0x2b)), "tiff");
  assert.equal(sniffFileType(enc.encode("RIFF\0\0\0\0WEBPVP8 ")), "webp");
  assert.equal(sniffFileType(Uint8Array.of(0x50, 0x4b, 3, 4, 0)), "pytorch");
  assert.equal(sniffFileType(Uint8Array.of(0x80, 2, 0x7d)), "pickle");
  assert.equal(sniffFileType(enc.encode("<html>not found</html>")), "text");
  assert.equal(sniffFileType(new Uint8Array()), "empty");
  assert.equal(sniffFileType(Uint8Array.of(0, 1, 2, 3, 4, 0xfe)), "unknown");
  // A safetensors header of 640 to 1535 bytes begins like a pickle (0x80,
  // 0x02..0x05): its length decides.
  const header = JSON.stringify({ w: { dtype: "F32", shape: [1], data_offsets: [0, 4] } });
  const padded = header.padEnd(0x0280, " ");
  const long = new Uint8Array(8 + padded.length + 4);
  new DataView(long.buffer).setBigUint64(0, BigInt(padded.length), true);
  long.set(enc.encode(padded), 8);
  assert.deepEqual([...long.slice(0, 2)], [0x80, 2]);
  assert.equal(sniffFileType(long), "safetensors");
  // A header length that runs past the end is not safetensors.
  const cut = encodeSafetensors(w).slice(0, 12);
  assert.notEqual(sniffFileType(cut), "safetensors");
});
