import assert from "node:assert/strict";
import { getDecoder } from "geotiff";
import { Rng } from "../util/rng.ts";
import { decodeTiffLzw, LzwDataError } from "./tiff_lzw.ts";

/** A TIFF LZW encoder (the writer's side of the format), to make test streams. */
function encode(data: Uint8Array, clearEvery = Infinity): Uint8Array {
  const bits: number[] = [];
  let width = 9;
  const put = (code: number) => {
    for (let k = width - 1; k >= 0; k--) bits.push((code >> k) & 1);
  };
  let table = new Map<string, number>();
  let next = 258;
  const reset = () => {
    table = new Map();
    next = 258;
  };
  put(256);
  let w = "";
  let emitted = 0;
  for (const byte of data) {
    const wc = w === "" ? String.fromCharCode(byte) : w + String.fromCharCode(byte);
    if (w === "" || table.has(wc) || (wc.length === 1)) {
      w = wc;
      continue;
    }
    put(w.length === 1 ? w.charCodeAt(0) : table.get(w)!);
    emitted++;
    table.set(wc, next++);
    // The writer widens when its next entry passes the width; the reader, one entry behind, one early.
    if (next >= 1 << width && width < 12) width++;
    if (next >= 4094 || emitted % clearEvery === 0) {
      put(256);
      width = 9;
      reset();
    }
    w = String.fromCharCode(byte);
  }
  if (w !== "") put(w.length === 1 ? w.charCodeAt(0) : table.get(w)!);
  put(257);
  while (bits.length % 8) bits.push(0);
  return Uint8Array.from(
    { length: bits.length / 8 },
    (_, i) => bits.slice(8 * i, 8 * i + 8).reduce((a, b) => (a << 1) | b, 0),
  );
}

/** geotiff's own LZW decoder, as the reference for valid streams. */
const reference = await getDecoder(5, {
  tileWidth: 1,
  tileHeight: 1,
  predictor: 1,
  bitsPerSample: 8,
  planarConfiguration: 1,
});

Deno.test("valid LZW streams decode to their data, as geotiff decodes them", async () => {
  const r = new Rng(5);
  const inputs = [
    new Uint8Array(0),
    Uint8Array.of(65, 66),
    new Uint8Array(20_000), // long runs: 10, 11 and 12-bit codes, and clears
    Uint8Array.from({ length: 30_000 }, () => r.int(4)),
    Uint8Array.from({ length: 5_000 }, () => r.int(256)),
  ];
  for (const [i, data] of inputs.entries()) {
    for (const clearEvery of [Infinity, 300]) {
      const stream = encode(data, clearEvery);
      const mine = decodeTiffLzw(stream, data.length);
      assert.deepEqual(mine, data, `input ${i}`);
      const theirs = new Uint8Array(await reference.decode(stream.slice().buffer));
      assert.deepEqual(mine, theirs.subarray(0, mine.length), `input ${i} against geotiff`);
    }
  }
  assert.deepEqual(Array.from(decodeTiffLzw(Uint8Array.of(0x80, 0x10, 0x48, 0x50, 0x10), 8)), [
    65,
    66,
  ]);
});

Deno.test("damaged LZW data fails at once, and never decodes past its bound", () => {
  const stream = encode(new Uint8Array(5000).fill(7));
  assert.throws(() => decodeTiffLzw(stream, 4999), LzwDataError);
  // A code past the table.
  assert.throws(() => decodeTiffLzw(Uint8Array.of(0x80, 0x20, 0xff, 0xff), 100), /past the table/);
  // Random bytes: an error or a short result, quickly, never more than the bound.
  const r = new Rng(9);
  for (let i = 0; i < 2000; i++) {
    const junk = Uint8Array.from({ length: 1 + r.int(300) }, () => r.int(256));
    try {
      assert.ok(decodeTiffLzw(junk, 4096).length <= 4096);
    } catch (e) {
      assert.ok(e instanceof LzwDataError, String(e));
    }
  }
});
