// predict over folders and globs as a user with a GlaS-like folder runs it:
// 60 images beside their `_anno` masks in one call, predictions.csv, the
// continuous maps (scored back by eval --maps exactly as the model), maps on
// request, and a bad image among good ones.
import assert from "node:assert/strict";
import { join } from "node:path";
import { encodeMaskPng, encodePng } from "@pointwise/core/lite";
import { decodeHeatmapPng, decodeNpy } from "@pointwise/core/io";
import { syntheticDataset } from "@pointwise/core/data";
import { listDir, runScript, tinyCheckpoint, tinyOnnx } from "./_helpers.ts";

const tmp = await Deno.makeTempDir({ prefix: "pointwise-batch-" });
const glas = join(tmp, "glas");
await Deno.mkdir(join(glas, "split"), { recursive: true });
const samples = syntheticDataset({ count: 60, size: 40, classes: 2, seed: 21 }).samples;
const rows: string[] = [];
for (const [i, s] of samples.entries()) {
  await Deno.writeFile(join(glas, `train_${i + 1}.png`), await encodePng(s.image));
  await Deno.writeFile(join(glas, `train_${i + 1}_anno.png`), await encodeMaskPng(s.mask!));
  if (i < 4) {
    rows.push(`train_${i + 1}.png,train_${i + 1}_anno.png,${["stripes", "dots"][s.label]}`);
  }
}
await Deno.writeTextFile(join(glas, "split", "test.csv"), rows.join("\n") + "\n");
const onnx = join(tmp, "model.onnx");
await Deno.writeFile(onnx, await tinyOnnx());
const checkpoint = join(tmp, "model.safetensors");
await Deno.writeFile(checkpoint, (await tinyCheckpoint()).bytes);

const predict = (...args: string[]) => runScript("predict.ts", ["--threads", "1", ...args]);

/** predictions.csv as rows of cells. */
async function readTable(dir: string): Promise<string[][]> {
  const text = await Deno.readTextFile(join(dir, "predictions.csv"));
  return text.trim().split("\n").map((l) => l.split(","));
}

Deno.test("a folder of 60 images beside their masks: one call, predictions.csv, no mask taken", async () => {
  const out = join(tmp, "out");
  const r = await predict("--model", onnx, glas, "--out", out, "--heatmap", "npy");
  assert.equal(r.code, 0, r.stderr);
  const [header, ...table] = await readTable(out);
  assert.deepEqual(header, [
    "image",
    "class",
    "prob_stripes",
    "prob_dots",
    "loc_prob_stripes",
    "loc_prob_dots",
    "mask_area",
  ]);
  assert.equal(table.length, 60);
  assert.ok(table.every(([image]) => !image.includes("_anno")), "no mask was taken for an image");
  assert.deepEqual(
    new Set(table.map(([image]) => image)),
    new Set(samples.map((_, i) => join(glas, `train_${i + 1}.png`))),
  );
  for (const [, cls, p0, p1, l0, l1, area] of table) {
    assert.ok(["stripes", "dots"].includes(cls));
    assert.ok(Math.abs(Number(p0) + Number(p1) - 1) < 1e-5);
    assert.ok(Math.abs(Number(l0) + Number(l1) - 1) < 1e-5);
    assert.ok(Number(area) >= 0 && Number(area) <= 1);
    assert.equal(cls, Number(p0) >= Number(p1) ? "stripes" : "dots");
  }
  const files = await listDir(out);
  assert.equal(files.length, 60 * 4 + 1);
  for (const suffix of ["_mask.png", "_overlay.jpg", ".json", "_heatmap.npy"]) {
    assert.equal(files.filter((f) => f.endsWith(suffix)).length, 60, suffix);
  }
  assert.match(r.stderr, /skipped 60 file\(s\) named like masks \(train_10_anno\.png/);
  assert.match(
    r.stderr,
    /predicted 60 of 60 image\(s\) in \d+:\d\d \([\d.]+ s\/image\): stripes \d+, dots \d+/,
  );
  // The map written is the map the mask was cut from.
  const json = JSON.parse(await Deno.readTextFile(join(out, "train_1.json")));
  const map = decodeNpy(await Deno.readFile(join(out, "train_1_heatmap.npy")), "map");
  assert.deepEqual(map.shape, [40, 40]);
  assert.equal(Array.from(map.data).filter((v) => v >= 0.5).length, json.maskPixels);
});

Deno.test("a quoted glob gives the same images; --skip none takes the masks too", async () => {
  const out = join(tmp, "glob");
  const r = await predict("--model", onnx, `${glas}/train_1*.png`, "--out", out);
  assert.equal(r.code, 0, r.stderr);
  const table = (await readTable(out)).slice(1).map(([image]) => image);
  // train_1, train_10 ... train_19: eleven images, and their eleven annotations skipped.
  assert.equal(table.length, 11);
  assert.match(r.stderr, /11 mask file\(s\) skipped/);
  const all = await predict(
    "--model",
    onnx,
    `${glas}/train_1_*.png`,
    "--skip",
    "none",
    "--out",
    join(tmp, "all"),
  );
  assert.equal(all.code, 0, all.stderr);
  assert.deepEqual((await readTable(join(tmp, "all"))).slice(1).map(([i]) => i), [
    join(glas, "train_1_anno.png"),
  ]);
  const none = await predict("--model", onnx, `${glas}/*_anno.png`, "--out", join(tmp, "none"));
  assert.equal(none.code, 2);
  assert.match(none.stderr, /no image left: all 60 file\(s\) look like masks/);
});

Deno.test("maps written by predict --heatmap score exactly as the model in eval --maps", async () => {
  const out = join(tmp, "maps");
  const four = [1, 2, 3, 4].map((i) => join(glas, `train_${i}.png`));
  for (const format of ["npy", "png16"]) {
    const r = await predict(
      "--model",
      onnx,
      ...four,
      "--out",
      `${out}-${format}`,
      "--heatmap",
      format,
    );
    assert.equal(r.code, 0, r.stderr);
  }
  const row = (stdout: string, name: string) =>
    stdout.split("\n").find((l) => l.startsWith(name))!.slice(name.length).trim().split(/\s+/);
  const data = ["--data", glas, "--threads", "1"];
  const model = await runScript("apps/cli/main.ts", ["eval", "--model", onnx, ...data]);
  const maps = await runScript("apps/cli/main.ts", ["eval", "--maps", `${out}-npy`, ...data]);
  assert.equal(maps.code, 0, maps.stderr);
  assert.deepEqual(
    row(maps.stdout, "maps maps-npy").slice(1),
    row(model.stdout, "min-max").slice(1),
  );
  // The 16-bit PNG keeps the map to 1/65535.
  const npy = decodeNpy(await Deno.readFile(join(`${out}-npy`, "train_1_heatmap.npy")), "n");
  const png = decodeHeatmapPng(
    await Deno.readFile(join(`${out}-png16`, "train_1_heatmap.png")),
    "p",
  );
  for (let i = 0; i < npy.data.length; i++) {
    assert.ok(Math.abs(npy.data[i] - png.data[i]) <= 0.5 / 65535 + 1e-7);
  }
});

Deno.test("--map and --class read another map of a checkpoint; an ONNX model gives R+ only", async () => {
  const image = join(glas, "train_5.png");
  const read = async (dir: string) => ({
    json: JSON.parse(await Deno.readTextFile(join(dir, "train_5.json"))),
    map: decodeNpy(await Deno.readFile(join(dir, "train_5_heatmap.npy")), "m").data,
  });
  const outs: Record<string, Awaited<ReturnType<typeof read>>> = {};
  for (
    const [name, flags] of [["r", []], ["m", ["--map", "m+"]], ["dots", [
      "--class",
      "dots",
    ]]] as const
  ) {
    const dir = join(tmp, `map-${name}`);
    const r = await predict(
      "--model",
      checkpoint,
      image,
      "--out",
      dir,
      "--heatmap",
      "npy",
      ...flags,
    );
    assert.equal(r.code, 0, r.stderr);
    outs[name] = await read(dir);
  }
  assert.deepEqual([outs.r.json.map, outs.m.json.map, outs.dots.json.map], [
    "R+",
    "M+",
    "CAM dots",
  ]);
  // The class does not depend on the map; the maps differ.
  assert.equal(outs.m.json.class, outs.r.json.class);
  assert.deepEqual(outs.dots.json.probabilities, outs.r.json.probabilities);
  assert.notDeepEqual(outs.m.map, outs.r.map);
  assert.notDeepEqual(outs.dots.map, outs.m.map);
  // M+ and class maps are normalised to [0, 1] per image (over the padded input, as the
  // baselines' maps are, so the crop back to the image need not reach both ends).
  for (const m of [outs.m.map, outs.dots.map]) assert.ok(m.every((v) => v >= 0 && v <= 1));
  const onnxMap = await predict("--model", onnx, image, "--map", "m+", "--out", join(tmp, "x"));
  assert.equal(onnxMap.code, 2);
  assert.match(
    onnxMap.stderr,
    /--map cannot be read from an exported ONNX model: its graph gives R\+ only/,
  );
  const unknown = await predict(
    "--model",
    checkpoint,
    image,
    "--class",
    "tumour",
    "--out",
    join(tmp, "x"),
  );
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /--class 'tumour' is not a class of this model \(stripes, dots\)/);
  assert.deepEqual(await listDir(join(tmp, "x")), []);
});

Deno.test("a corrupt image among good ones is reported; the others are written; exit 1", async () => {
  const dir = join(tmp, "mixed");
  await Deno.mkdir(dir);
  const png = await Deno.readFile(join(glas, "train_1.png"));
  await Deno.writeFile(join(dir, "good.png"), png);
  // A valid header, then the data cut short: found only when decoding.
  await Deno.writeFile(join(dir, "cut.png"), png.slice(0, Math.floor(png.length / 2)));
  const out = join(tmp, "mixed-out");
  const r = await predict("--model", onnx, dir, "--out", out);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /predicted 1 of 2 image\(s\).*1 failed: .*cut\.png/);
  assert.match(r.stdout, /cut\.png: failed: .*cut\.png/);
  const table = await readTable(out);
  assert.deepEqual(table.slice(1).map(([i]) => i), [join(dir, "good.png")]);
  assert.ok((await listDir(out)).every((f) => !f.startsWith("cut")));
});
