// Reading tiled pyramidal TIFF written by vips: JPEG tiles (with the shared
// JPEGTables that libtiff writes, as in SVS), LZW, deflate, BigTIFF; regions
// that straddle tiles and the slide's edge; the scale from resolution tags.
import assert from "node:assert/strict";
import {
  FIXTURE_COLORS,
  fixtureImage,
  fixtureRegion,
  hasVips,
  vipsSlide,
} from "../_testing/slide_fixtures.ts";
import { aperioMpp, openTiffSlide, resolutionMpp } from "./tiff_slide.ts";
import type { RandomAccessReader } from "./slide.ts";

const vips = hasVips();

function bytesReader(bytes: Uint8Array): RandomAccessReader {
  return (offset, length) => Promise.resolve(bytes.subarray(offset, offset + length));
}

/** Mean absolute difference from the fixture's clean colours over a region, per channel value. */
function meanError(
  data: Uint8Array,
  x0: number,
  y0: number,
  w: number,
  h: number,
  W: number,
  H: number,
) {
  let err = 0;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const c = FIXTURE_COLORS[fixtureRegion(x0 + x, y0 + y, W, H)];
      for (let k = 0; k < 3; k++) err += Math.abs(data[3 * (y * w + x) + k] - c[k]);
    }
  }
  return err / (3 * w * h);
}

// vips writes JPEG tiles as photometric RGB at Q >= 90 and as photometric YCbCr with chroma
// subsampling below (as many SVS files are): both must come out as RGB.
for (const [compression, q] of [["jpeg", 92], ["jpeg", 80], ["lzw", 0], ["deflate", 0]] as const) {
  Deno.test({
    name: `openTiffSlide reads a vips ${compression}${q ? ` Q ${q}` : ""} pyramid region by region`,
    ignore: !vips,
    async fn() {
      const dir = await Deno.makeTempDir();
      try {
        const W = 700, H = 500;
        const image = fixtureImage(W, H);
        const path = await vipsSlide(dir, "s.tif", image, {
          compression,
          quality: q,
          bigtiff: compression === "lzw",
        });
        const slide = await openTiffSlide(bytesReader(await Deno.readFile(path)), path);
        // vips halves (rounding down) until a level fits one 128 tile.
        assert.deepEqual(slide.levels.map((l) => l.width), [700, 350, 175, 87]);
        assert.equal(slide.mpp, null); // vips's default 1 px/mm is no microscope scale
        // A region across tile borders (128 px tiles) and over the right edge.
        const r = await slide.readRegion(0, 600, 100, 150, 200);
        assert.equal(r.width * r.height * 3, r.data.length);
        for (let y = 0; y < 200; y++) {
          for (let x = 100; x < 150; x++) {
            assert.deepEqual([...r.data.subarray(3 * (y * 150 + x), 3 * (y * 150 + x) + 3)], [
              255,
              255,
              255,
            ]);
          }
        }
        const inner = await slide.readRegion(0, 60, 90, 400, 300);
        if (compression === "jpeg") {
          // Lossy: the noise (+-3) and JPEG's error at Q 92 on sharp edges keep the
          // mean error against the clean colours within a few levels; a colour-space
          // mistake (YCbCr read as RGB) would be off by tens.
          assert.ok(meanError(inner.data, 60, 90, 400, 300, W, H) < 4);
        } else {
          // Lossless: exactly the pixels written.
          for (let y = 0; y < 300; y++) {
            const row = image.data.subarray(3 * ((90 + y) * W + 60), 3 * ((90 + y) * W + 460));
            assert.deepEqual(inner.data.subarray(3 * 400 * y, 3 * 400 * (y + 1)), row);
          }
        }
        // Level 2 is a quarter: at u 0.42, v 0.4 (region 1, off its hole) it keeps region 1's colour.
        const l2 = await slide.readRegion(2, 73, 50, 1, 1);
        assert.ok(Math.abs(l2.data[0] - FIXTURE_COLORS[1][0]) < 12, `level 2 pixel ${l2.data}`);
      } finally {
        await Deno.remove(dir, { recursive: true });
      }
    },
  });
}

Deno.test({
  name: "openTiffSlide takes the scale from resolution tags",
  ignore: !vips,
  async fn() {
    const dir = await Deno.makeTempDir();
    try {
      const path = await vipsSlide(dir, "r.tif", fixtureImage(300, 200), { mpp: 0.5 });
      const slide = await openTiffSlide(bytesReader(await Deno.readFile(path)), path);
      assert.ok(slide.mpp !== null);
      assert.ok(Math.abs(slide.mpp.x - 0.5) < 1e-6 && Math.abs(slide.mpp.y - 0.5) < 1e-6);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test("openTiffSlide names the file when it is not a TIFF", async () => {
  const bytes = new TextEncoder().encode("not a tiff at all, just text".repeat(50));
  await assert.rejects(
    openTiffSlide(bytesReader(bytes), "fake.tif"),
    /fake\.tif: not a readable TIFF/,
  );
});

Deno.test("aperioMpp and resolutionMpp read the scale, and refuse implausible ones", () => {
  assert.equal(
    aperioMpp("Aperio Image Library v11.2.1 \n46000x32914 |AppMag = 20|MPP = 0.4990|"),
    0.499,
  );
  assert.equal(aperioMpp("Generic TIFF |MPP = 0.5"), null);
  assert.deepEqual(resolutionMpp([20000, 1], [40000, 1], 3), { x: 0.5, y: 0.25 });
  assert.equal(resolutionMpp([10, 1], [10, 1], 3), null); // 1 px/mm
  assert.equal(resolutionMpp([20000, 1], [20000, 1], 1), null); // no unit
});

/** Runs python3-tifffile to write an SVS-like file; false when python3 or tifffile is missing. */
async function svsLike(path: string, rgb: Uint8Array, w: number, h: number): Promise<boolean> {
  const raw = `${path}.rgb`;
  await Deno.writeFile(raw, rgb);
  // Aperio's layout: the full image (tiled), a stripped thumbnail, the reduced
  // levels (tiled), then label and macro images of other shapes (stripped).
  const py = `
import sys, numpy as np, tifffile
path, raw, w, h = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
a = np.fromfile(raw, np.uint8).reshape(h, w, 3)
desc = "Aperio Image Library v12.0.15 \\n%dx%d [0,0 %dx%d] (128x128) J2K/YUV16 Q=70|AppMag = 20|MPP = 0.4990|Filename = test" % (w, h, w, h)
with tifffile.TiffWriter(path) as t:
    t.write(a, tile=(128, 128), compression="zlib", photometric="rgb", description=desc, metadata=None)
    t.write(np.ascontiguousarray(a[::8, ::8]), photometric="rgb", metadata=None)
    t.write(np.ascontiguousarray(a[::4, ::4]), tile=(128, 128), compression="zlib", photometric="rgb", subfiletype=1, metadata=None)
    t.write(np.full((60, 160, 3), 200, np.uint8), photometric="rgb", subfiletype=1, metadata=None)
    t.write(np.full((100, 300, 3), 90, np.uint8), photometric="rgb", subfiletype=9, metadata=None)
`;
  try {
    const out = await new Deno.Command("/usr/bin/python3", {
      args: ["-c", py, path, raw, String(w), String(h)],
      stderr: "piped",
    }).output();
    if (!out.success) {
      const err = new TextDecoder().decode(out.stderr);
      if (/No module named/.test(err)) return false;
      throw new Error(err);
    }
    return true;
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return false;
    throw e;
  } finally {
    await Deno.remove(raw).catch(() => {});
  }
}

Deno.test("an SVS-like file: levels skip the thumbnail, label and macro; MPP from the description", async (t) => {
  const dir = await Deno.makeTempDir();
  try {
    const W = 640, H = 480;
    const image = fixtureImage(W, H);
    const path = `${dir}/s.svs`;
    if (!(await svsLike(path, image.data, W, H))) {
      t.step({ name: "python3-tifffile is not installed", ignore: true, fn() {} });
      return;
    }
    const slide = await openTiffSlide(bytesReader(await Deno.readFile(path)), path);
    assert.deepEqual(slide.levels.map((l) => [l.width, l.height]), [[640, 480], [160, 120]]);
    assert.deepEqual(slide.mpp, { x: 0.499, y: 0.499, source: "Aperio MPP" });
    const region = await slide.readRegion(1, 10, 20, 50, 40);
    for (let y = 0; y < 40; y++) {
      for (let x = 0; x < 50; x++) {
        const src = 3 * ((4 * (20 + y)) * W + 4 * (10 + x));
        assert.deepEqual(
          [...region.data.subarray(3 * (y * 50 + x), 3 * (y * 50 + x) + 3)],
          [...image.data.subarray(src, src + 3)],
        );
      }
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
