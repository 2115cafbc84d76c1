// `pointwise slide` end to end on a JPEG-tiled pyramid written by vips, with
// both runtimes: every output is written, the mask TIFF opens as a pyramid,
// the contours validate as QuPath GeoJSON, and bad input leaves nothing.
import assert from "node:assert/strict";
import { join } from "node:path";
import { check } from "@placemarkio/check-geojson";
import onnxProto from "onnx-proto";
import { encodePng } from "@pointwise/core/lite";
import { openTiffSlide } from "@pointwise/core/slide";
import { listDir, runScript, tinyCheckpoint, tinyOnnx } from "./_helpers.ts";

/** True when Debian's `vips` (libvips-tools) runs here. */
function hasVips(): boolean {
  try {
    return new Deno.Command("vips", { args: ["--version"], stdout: "null", stderr: "null" })
      .outputSync().success;
  } catch {
    return false;
  }
}

/**
 * A 900x600 slide at 0.5 µm/px, JPEG tiles of 128, full pyramid: white glass
 * with a pink and a purple stained rectangle (a third of the area).
 */
async function fixtureSlide(dir: string): Promise<string> {
  const w = 900, h = 600;
  const header = new TextEncoder().encode(`P6\n${w} ${h}\n255\n`);
  const ppm = new Uint8Array(header.length + 3 * w * h).fill(244);
  ppm.set(header);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const c = x > 100 && x < 400 && y > 150 && y < 450
        ? [200, 60, 140]
        : x > 550 && x < 800 && y > 300 && y < 550
        ? [90, 60, 170]
        : null;
      if (c) ppm.set(c, header.length + 3 * (y * w + x));
    }
  }
  await Deno.writeFile(join(dir, "fixture.ppm"), ppm);
  const path = join(dir, "fixture.tif");
  const args = ["tiffsave", join(dir, "fixture.ppm"), path, "--tile", "--tile-width", "128"];
  args.push("--tile-height", "128", "--pyramid", "--compression", "jpeg", "--Q", "92");
  args.push("--xres", "2000", "--yres", "2000"); // pixels per mm: 0.5 µm/px
  const out = await new Deno.Command("vips", { args }).output();
  if (!out.success) throw new Error("vips could not write the fixture slide");
  return path;
}

const vips = hasVips();
const tmp = await Deno.makeTempDir({ prefix: "pointwise-slide-" });
const models = {
  tfjs: join(tmp, "tiny.safetensors"),
  onnx: join(tmp, "tiny.onnx"),
};
let slidePath = "";
if (vips) {
  await Deno.writeFile(models.tfjs, (await tinyCheckpoint()).bytes);
  await Deno.writeFile(models.onnx, await tinyOnnx());
  // 0.5 µm/px at level 0, so --mpp 1 must read level 1 (450x300).
  slidePath = await fixtureSlide(tmp);
}

/** Level 1 of the fixture (1 µm/px) in tiles of 128 with an overlap of 32, on one thread. */
const SMALL_TILES = ["--mpp", "1", "--tile", "128", "--overlap", "32", "--threads", "1"];

const slide = (args: string[]) =>
  runScript("apps/cli/main.ts", ["slide", ...args], ["--allow-env"]);

for (const runtime of ["tfjs", "onnx"] as const) {
  Deno.test({
    name: `slide writes every output with the ${runtime} runtime`,
    ignore: !vips,
    async fn() {
      const out = join(tmp, `out-${runtime}`);
      const r = await slide([
        "--model",
        models[runtime],
        slidePath,
        ...SMALL_TILES,
        "--map-factor",
        "2",
        "--out",
        out,
      ]);
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(await listDir(out), [
        "fixture.json",
        "fixture_contours.geojson",
        "fixture_heatmap.png",
        "fixture_mask.tif",
        "fixture_overlay.png",
      ]);
      const s = JSON.parse(await Deno.readTextFile(join(out, "fixture.json")));
      assert.equal(s.analysis.level, 1);
      assert.equal(s.analysis.width, 450);
      assert.equal(s.mpp.source, "TIFF resolution tags");
      assert.ok(s.tiles.skipped > 0 && s.tiles.analysed > 0, JSON.stringify(s.tiles));
      // The padded grid is 480 x 320: columns 0, 96, 192, 288, 352; rows 0, 96, 192.
      assert.equal(s.tiles.total, 15);
      assert.equal(s.map.method, "whole-slide");
      // An overlap of one cell goes whole to one of the two tiles: no margin.
      assert.equal(s.map.tileMargin, 0);
      assert.deepEqual(s.warnings, []);
      assert.match(s.slideClass.rule, /posterior over the whole slide/);
      assert.ok(["stripes", "dots"].includes(s.slideClass.name));
      // One map pixel is 2 x 2 level-1 pixels = 4 x 4 level-0 pixels of 0.25 µm² each.
      assert.equal(s.mask.level0Pixels, s.mask.mapPixels * 16);
      assert.ok(Math.abs(s.mask.areaMm2 - (s.mask.level0Pixels * 0.25) / 1e6) < 1e-6);
      const geo = check(await Deno.readTextFile(join(out, "fixture_contours.geojson")));
      assert.equal(geo.type, "FeatureCollection");
      const mask = await Deno.readFile(join(out, "fixture_mask.tif"));
      const m = await openTiffSlide((o, n) => Promise.resolve(mask.subarray(o, o + n)), "mask");
      assert.deepEqual([m.levels[0].width, m.levels[0].height], [225, 150]);
      assert.ok(m.mpp && Math.abs(m.mpp.x - 2) < 1e-6); // 2 µm per map pixel
    },
  });
}

Deno.test({
  name: "slide: outputs appear together or not at all",
  ignore: !vips,
  async fn() {
    const out = join(tmp, "in-the-way");
    // A folder where the summary goes: the last file of the group cannot be placed.
    await Deno.mkdir(join(out, "fixture.json", "x"), { recursive: true });
    const r = await slide([
      "--model",
      models.onnx,
      slidePath,
      ...SMALL_TILES,
      "--out",
      out,
      "--force",
    ]);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /cannot write .*fixture\.json/);
    assert.deepEqual(await listDir(out), ["fixture.json"]);
  },
});

Deno.test({
  name: "slide: usage errors exit 2, unreadable slides exit 1 naming the file, nothing written",
  ignore: !vips,
  async fn() {
    const out = join(tmp, "bad");
    const both = await slide([
      "--model",
      models.onnx,
      slidePath,
      "--level",
      "0",
      "--mpp",
      "1",
      "--out",
      out,
    ]);
    assert.equal(both.code, 2);
    assert.match(both.stderr, /--level or --mpp, not both/);
    const deep = await slide(["--model", models.onnx, slidePath, "--level", "9", "--out", out]);
    assert.equal(deep.code, 2);
    assert.match(deep.stderr, /--level: the slide has levels 0 to 3, not 9/);
    const fake = join(tmp, "fake.tif");
    await Deno.writeTextFile(fake, "II*\0 this is not really a TIFF");
    // Flags are checked before the slide is opened: the bad flag is named, not the bad slide.
    for (const flag of [["--threshold", "2"], ["--map", "bogus"]]) {
      const early = await slide(["--model", models.onnx, fake, ...flag, "--out", out]);
      assert.equal(early.code, 2, early.stderr);
      assert.match(early.stderr, new RegExp(flag[0]));
      assert.doesNotMatch(early.stderr, /fake\.tif/);
    }
    const bad = await slide(["--model", models.onnx, fake, "--out", out]);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /fake\.tif: not a readable TIFF/);
    const txt = join(tmp, "notes.txt");
    await Deno.writeTextFile(txt, "hello");
    const other = await slide(["--model", models.onnx, txt, "--out", out]);
    assert.equal(other.code, 1);
    assert.match(other.stderr, /notes\.txt: not a TIFF, PNG or JPEG slide/);
    const png = join(tmp, "small.png");
    await Deno.writeFile(
      png,
      await encodePng({ width: 20, height: 10, data: new Uint8Array(600).fill(200) }),
    );
    const big = await slide(["--model", models.onnx, png, "--max-pixels", "100", "--out", out]);
    assert.equal(big.code, 1);
    assert.match(big.stderr, /small\.png: the png image is 20x10, over the limit of 100 pixels/);
    assert.deepEqual(await listDir(out), []);
  },
});

Deno.test({
  name: "slide: an ONNX file without class maps, or --per-tile, blends per-tile maps and says so",
  ignore: !vips,
  async fn() {
    const old = onnxProto.onnx.ModelProto.decode(await tinyOnnx());
    old.graph!.output = old.graph!.output!.filter((o) => o.name !== "class_maps");
    const oldModel = join(tmp, "old.onnx");
    await Deno.writeFile(oldModel, onnxProto.onnx.ModelProto.encode(old).finish());
    for (
      const [model, extra, why] of [
        [oldModel, [], /exported before they were added: export it again/],
        [models.tfjs, ["--per-tile"], /per-tile maps were requested/],
      ] as const
    ) {
      const out = join(tmp, `per-tile-${extra.length}`);
      const args = ["--model", model, slidePath, "--mpp", "1", "--tile", "128", "--overlap", "16"];
      const r = await slide([...args, ...extra, "--threads", "1", "--out", out]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, why);
      const s = JSON.parse(await Deno.readTextFile(join(out, "fixture.json")));
      assert.equal(s.map.method, "per-tile");
      assert.equal(s.tiles.total, 12); // columns 0, 112, 224, 322; rows 0, 112, 172
      assert.match(s.slideClass.rule, /highest mean probability/);
      assert.ok(s.mask.limitedToTissue);
    }
    // Off the grid, the whole-slide map is refused with the flag's name.
    const off = await slide(["--model", models.tfjs, slidePath, "--tile", "200", "--out", tmp]);
    assert.equal(off.code, 2);
    assert.match(off.stderr, /--tile: the tile must be a multiple of 32, got 200/);
  },
});
