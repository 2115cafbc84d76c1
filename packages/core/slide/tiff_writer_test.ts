// The mask writer's files read back, pixel for pixel, through geotiff (our
// reader) and, where installed, vips and python3-tifffile (independent
// readers): tiles, pyramid levels, the reduced-image flag and the scale.
import assert from "node:assert/strict";
import { PyramidTiffWriter } from "./tiff_writer.ts";
import { openTiffSlide } from "./tiff_slide.ts";
import { hasVips } from "../_testing/slide_fixtures.ts";

function memoryFile() {
  let bytes = new Uint8Array(1 << 16);
  let size = 0;
  return {
    write(offset: number, b: Uint8Array) {
      while (offset + b.length > bytes.length) {
        const grown = new Uint8Array(bytes.length * 2);
        grown.set(bytes);
        bytes = grown;
      }
      bytes.set(b, offset);
      size = Math.max(size, offset + b.length);
      return Promise.resolve();
    },
    bytes: () => bytes.subarray(0, size),
  };
}

/** A disc with a hole and a gradient band: tiles of every kind (empty, full, mixed). */
function picture(w: number, h: number): Uint8Array {
  const a = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const r2 = (x - w / 2) ** 2 + (y - h / 2) ** 2;
      a[y * w + x] = r2 < (0.4 * h) ** 2 && r2 > (0.1 * h) ** 2 ? 255 : y < 20 ? x % 256 : 0;
    }
  }
  return a;
}

async function written(w: number, h: number) {
  const file = memoryFile();
  const writer = new PyramidTiffWriter(file.write, w, h, {
    tile: 64,
    mpp: { x: 2, y: 2 },
    description: "test mask",
  });
  const pixels = picture(w, h);
  // Rows in uneven batches, as the stitcher hands them on.
  for (let y = 0; y < h;) {
    const n = Math.min(h - y, 1 + (y % 7));
    await writer.addRows(pixels.subarray(y * w, (y + n) * w));
    y += n;
  }
  await writer.finish();
  return { bytes: file.bytes(), pixels };
}

Deno.test("PyramidTiffWriter: levels and pixels read back through geotiff", async () => {
  const w = 300, h = 170;
  const { bytes, pixels } = await written(w, h);
  const slide = await openTiffSlide((o, n) => Promise.resolve(bytes.subarray(o, o + n)), "m.tif");
  assert.deepEqual(slide.levels.map((l) => [l.width, l.height]), [[300, 170], [150, 85], [75, 43], [
    38,
    22,
  ]]);
  assert.ok(slide.mpp && Math.abs(slide.mpp.x - 2) < 1e-9);
  const full = await slide.readRegion(0, 0, 0, w, h);
  for (let i = 0; i < w * h; i++) assert.equal(full.data[3 * i], pixels[i], `pixel ${i}`);
  // Level 1 is the rounded 2x2 mean.
  const l1 = await slide.readRegion(1, 0, 0, 150, 85);
  for (let y = 0; y < 85; y++) {
    for (let x = 0; x < 150; x++) {
      const p = (yy: number, xx: number) => pixels[Math.min(h - 1, yy) * w + Math.min(w - 1, xx)];
      const mean = (p(2 * y, 2 * x) + p(2 * y, 2 * x + 1) + p(2 * y + 1, 2 * x) +
        p(2 * y + 1, 2 * x + 1) + 2) >> 2;
      assert.equal(l1.data[3 * (y * 150 + x)], mean);
    }
  }
});

Deno.test("PyramidTiffWriter refuses missing rows", async () => {
  const writer = new PyramidTiffWriter(() => Promise.resolve(), 10, 10);
  await writer.addRows(new Uint8Array(50));
  await assert.rejects(writer.finish(), /5 rows of 10/);
});

Deno.test({
  name: "PyramidTiffWriter: vips and tifffile open the file as a pyramid",
  ignore: !hasVips(),
  async fn() {
    const { bytes, pixels } = await written(300, 170);
    const dir = await Deno.makeTempDir();
    try {
      const path = `${dir}/m.tif`;
      await Deno.writeFile(path, bytes);
      const head = await new Deno.Command("vipsheader", { args: ["-a", path], stdout: "piped" })
        .output();
      const text = new TextDecoder().decode(head.stdout);
      assert.ok(head.success, text);
      assert.match(text, /300x170 uchar, 1 band/);
      assert.match(text, /n-pages: 4/);
      assert.match(text, /xres: 500\b/); // 2 µm/px = 500 px/mm
      const py = `
import sys, tifffile
t = tifffile.TiffFile(sys.argv[1])
print(len(t.pages), [p.shape for p in t.pages], [bool(p.is_reduced) for p in t.pages], t.pages[0].is_tiled)
print(int(t.pages[0].asarray().astype('int64').sum()))`;
      const r = await new Deno.Command("/usr/bin/python3", {
        args: ["-c", py, path],
        stdout: "piped",
        stderr: "piped",
      })
        .output().catch(() => null);
      if (r?.success) {
        const [meta, sum] = new TextDecoder().decode(r.stdout).trim().split("\n");
        assert.equal(
          meta,
          "4 [(170, 300), (85, 150), (43, 75), (22, 38)] [False, True, True, True] True",
        );
        assert.equal(Number(sum), pixels.reduce((a, b) => a + b, 0));
      }
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
