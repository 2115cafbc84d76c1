import assert from "node:assert/strict";
import { decodeNpy, encodeNpy } from "./npy.ts";
import { decodeHeatmapPng, encodeHeatmapPng16 } from "./heatmap_png.ts";

// Written by tests/fixtures/make_map_fixtures.py (numpy and OpenCV): M[i, j] = (4i + j) / 11.
const fixture = (name: string) =>
  Deno.readFile(new URL(`../../../tests/fixtures/maps/${name}`, import.meta.url));
function fixtureSync(name: string): Uint8Array {
  return Deno.readFileSync(new URL(`../../../tests/fixtures/maps/${name}`, import.meta.url));
}

const M = Float64Array.from({ length: 12 }, (_, k) => k / 11);

Deno.test(".npy float32 and float64 maps read as numpy wrote them (versions 1.0 and 2.0)", async () => {
  for (const name of ["f4.npy", "f4_v2.npy"]) {
    const a = decodeNpy(await fixture(name), name);
    assert.equal(a.dtype, "<f4");
    assert.deepEqual(a.shape, [3, 4]);
    assert.deepEqual(a.data, Float32Array.from(M));
  }
  const f8 = decodeNpy(await fixture("f8.npy"), "f8.npy");
  assert.deepEqual(f8, { dtype: "<f8", shape: [3, 4], data: M });
});

Deno.test("encodeNpy writes the bytes np.save writes", async () => {
  assert.deepEqual(encodeNpy(Float32Array.from(M), [3, 4]), await fixture("f4.npy"));
  assert.deepEqual(encodeNpy(M, [3, 4]), await fixture("f8.npy"));
  const one = encodeNpy(new Float32Array([1, 2]), [2]);
  assert.deepEqual(decodeNpy(one, "one.npy").shape, [2]);
  assert.equal((10 + new DataView(one.buffer).getUint16(8, true)) % 64, 0);
  assert.throws(() => encodeNpy(new Float32Array(3), [2, 2]), /does not hold 3 values/);
});

Deno.test(".npy files of other dtypes, Fortran order or cut short are refused by name", async () => {
  assert.throws(
    () => decodeNpy(fixtureSync("i8.npy"), "i8.npy"),
    /i8\.npy: dtype '<i8' is not read: a map must be little-endian float32/,
  );
  assert.throws(
    () => decodeNpy(fixtureSync("be_f4.npy"), "be.npy"),
    /be\.npy: dtype '>f4' is not read/,
  );
  assert.throws(() => decodeNpy(fixtureSync("fortran.npy"), "f.npy"), /f\.npy: Fortran-ordered/);
  const f4 = await fixture("f4.npy");
  assert.throws(
    () => decodeNpy(f4.slice(0, f4.length - 4), "cut.npy"),
    /cut\.npy: shape \(3, 4\) of <f4 needs 48 bytes of data, the file has 44/,
  );
  assert.throws(() => decodeNpy(new Uint8Array(20), "z.npy"), /z\.npy: not a \.npy file/);
});

Deno.test("grayscale PNG maps: OpenCV's 8- and 16-bit files, and our 16-bit writer", async () => {
  const u16 = decodeHeatmapPng(await fixture("u16.png"), "u16.png");
  assert.deepEqual([u16.width, u16.height], [4, 3]);
  assert.deepEqual(u16.data, Float32Array.from(M, (v) => Math.round(v * 65535) / 65535));
  const u8 = decodeHeatmapPng(await fixture("u8.png"), "u8.png");
  assert.deepEqual(u8.data, Float32Array.from(M, (v) => Math.round(v * 255) / 255));
  // Our writer: every value comes back as round(v * 65535) / 65535.
  const values = Float32Array.from({ length: 35 }, (_, i) => (i * i) / (34 * 34));
  const back = decodeHeatmapPng(encodeHeatmapPng16(values, 7, 5), "ours.png");
  assert.deepEqual([back.width, back.height], [7, 5]);
  assert.deepEqual(back.data, Float32Array.from(values, (v) => Math.round(v * 65535) / 65535));
  assert.throws(() => encodeHeatmapPng16([0.5, 1.5], 2, 1), /value 1\.5 at pixel 1 is outside/);
  assert.throws(() => encodeHeatmapPng16([NaN], 1, 1), /value NaN/);
});

Deno.test("a colour heat map cannot be read back into values and is refused", async () => {
  const rgb = await Deno.readFile(new URL("../../../tests/fixtures/rgb.png", import.meta.url));
  assert.throws(
    () => decodeHeatmapPng(rgb, "jet.png"),
    /jet\.png: a colour PNG .* not through a colour map/,
  );
  // ImageMagick's 16-bit gray fixture: gray 60 | 180 of 255.
  const g = decodeHeatmapPng(
    await Deno.readFile(new URL("../../../tests/fixtures/gray16.png", import.meta.url)),
    "gray16.png",
  );
  assert.equal(g.data[0], Math.fround((60 * 257) / 65535));
  assert.equal(g.data[g.width - 1], Math.fround((180 * 257) / 65535));
});
