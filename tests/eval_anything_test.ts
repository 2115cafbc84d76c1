// `eval` of anything: a checkpoint and its ONNX export score alike, heat maps
// written from the model's own maps score exactly as the model does, and
// --threshold, --boxes, ignore masks and the per-image table reach the output.
import assert from "node:assert/strict";
import { join } from "node:path";
import { decodeImage, encodeMaskPng, encodePng } from "@pointwise/core/lite";
import { syntheticDataset } from "@pointwise/core/data";
import { encodeNpy } from "@pointwise/core/io";
import { load } from "@pointwise/runtime";
import { runScript, tinyCheckpoint, tinyOnnx } from "./_helpers.ts";

const tmp = await Deno.makeTempDir({ prefix: "pointwise-eval-any-" });
const data = join(tmp, "data");
await Deno.mkdir(join(data, "split"), { recursive: true });
const samples = syntheticDataset({ count: 4, size: 64, classes: 2, seed: 11 }).samples;
const rows: string[] = [];
for (const [i, s] of samples.entries()) {
  await Deno.writeFile(join(data, `img${i}.png`), await encodePng(s.image));
  await Deno.writeFile(join(data, `img${i}_anno.png`), await encodeMaskPng(s.mask!));
  rows.push(`img${i}.png,img${i}_anno.png,${["stripes", "dots"][s.label]}`);
}
// The second image gets an ignore region: its left half.
const ignore = new Uint8Array(64 * 64).map((_, i) => (i % 64 < 32 ? 1 : 0));
await Deno.writeFile(
  join(data, "img1_ignore.png"),
  await encodeMaskPng({ width: 64, height: 64, data: ignore }),
);
await Deno.writeTextFile(join(data, "split", "test.csv"), rows.join("\n") + "\n");
const withIgnore = [...rows];
withIgnore[1] += ",img1_ignore.png";
await Deno.writeTextFile(join(data, "split", "ignore.csv"), withIgnore.join("\n") + "\n");

const checkpoint = join(tmp, "model.safetensors");
await Deno.writeFile(checkpoint, (await tinyCheckpoint(["dots", "stripes"], 4)).bytes);
const onnx = join(tmp, "model.onnx");
await Deno.writeFile(onnx, await tinyOnnx(["dots", "stripes"], 4));

const evalCli = (...args: string[]) =>
  runScript("apps/cli/main.ts", ["eval", "--data", data, "--threads", "1", ...args]);

/** The scores row `name` of the printed table, as numbers ("-" is NaN). */
function tableRow(stdout: string, name: string): number[] {
  const line = stdout.split("\n").find((l) => l.startsWith(name));
  assert.ok(line, `no row '${name}' in:\n${stdout}`);
  return line.slice(name.length).trim().split(/\s+/).map((c) => (c === "-" ? NaN : Number(c)));
}

/** per_image.csv as objects. */
async function readCsv(path: string): Promise<Record<string, string>[]> {
  const [header, ...lines] = (await Deno.readTextFile(path)).trim().split("\n");
  const keys = header.split(",");
  return lines.map((l) => Object.fromEntries(l.split(",").map((v, i) => [keys[i], v])));
}

// The model's own maps, written as wsolevaluation reads them (float32 .npy, one per image).
const maps = join(tmp, "maps");
await Deno.mkdir(maps);
const model = await load(await Deno.readFile(onnx), { name: onnx, backend: "wasm" });
for (let i = 0; i < samples.length; i++) {
  const image = await decodeImage(await Deno.readFile(join(data, `img${i}.png`)), "png");
  await Deno.writeFile(
    join(maps, `img${i}.png.npy`),
    encodeNpy((await model.predict(image)).mask, [64, 64]),
  );
}
await model.dispose();

/** Runs shared by several tests, each run once. */
const once = <T>(f: () => Promise<T>) => {
  let p: Promise<T> | undefined;
  return () => p ??= f();
};
const onnxRun = once(() => evalCli("--model", onnx, "--boxes", "--csv", join(tmp, "onnx.csv")));
const mapsRun = once(() => evalCli("--maps", maps, "--boxes", "--csv", join(tmp, "maps.csv")));

Deno.test("eval scores a checkpoint and its ONNX export alike, with boxes and the per-image table", async () => {
  const a = await evalCli("--model", checkpoint, "--boxes", "--csv", join(tmp, "ckpt.csv"));
  assert.equal(a.code, 0, a.stderr);
  const b = await onnxRun();
  assert.equal(b.code, 0, b.stderr);
  assert.match(a.stdout, /Box@30\s+Box@50\s+Box@70\s+MaxBoxAccV2/);
  assert.match(a.stdout, /MaxBoxAccV2: their mean/);
  const ra = tableRow(a.stdout, "min-max");
  const rb = tableRow(b.stdout, "min-max");
  assert.equal(ra.length, 12);
  // The export reproduces R+ to float rounding (the exporter checks 1e-3): scores printed to
  // 0.1 may differ by a rounding step at most.
  for (let i = 0; i < ra.length; i++) {
    assert.ok(Math.abs(ra[i] - rb[i]) <= 0.1 + 1e-9, `column ${i}: ${ra[i]} vs ${rb[i]}`);
  }
  const ca = await readCsv(join(tmp, "ckpt.csv"));
  const cb = await readCsv(join(tmp, "onnx.csv"));
  assert.deepEqual(Object.keys(ca[0]), [
    "image",
    "label",
    "predicted",
    "prob_dots",
    "prob_stripes",
    "loc_prob_dots",
    "loc_prob_stripes",
    "dice",
    "f1_neg",
    "iou",
    "pxap",
    "mask_area",
  ]);
  assert.equal(ca.length, 4);
  for (let i = 0; i < 4; i++) {
    assert.equal(ca[i].image, `img${i}.png`);
    assert.equal(ca[i].predicted, cb[i].predicted);
    const p = Number(ca[i].prob_dots) + Number(ca[i].prob_stripes);
    assert.ok(Math.abs(p - 1) < 1e-5);
    for (const k of ["prob_dots", "loc_prob_stripes"]) {
      assert.ok(Math.abs(Number(ca[i][k]) - Number(cb[i][k])) < 1e-4, k);
    }
    for (const k of ["dice", "iou", "pxap"]) {
      assert.ok(Number(ca[i][k]) >= 0 && Number(ca[i][k]) <= 100, `${k} ${ca[i][k]}`);
      assert.ok(Math.abs(Number(ca[i][k]) - Number(cb[i][k])) < 1, `${k}: ${ca[i][k]} ${cb[i][k]}`);
    }
  }
});

Deno.test("heat maps saved from the model score exactly as the model, at any threshold", async () => {
  const check = (fromModel: number[], fromMaps: number[]) => {
    // Maps carry no class: the class error is the only column that differs.
    assert.ok(Number.isNaN(fromMaps[0]));
    assert.deepEqual(fromMaps.slice(1), fromModel.slice(1));
  };
  const [m5, s5] = [await onnxRun(), await mapsRun()];
  assert.equal(s5.code, 0, s5.stderr);
  check(tableRow(m5.stdout, "min-max"), tableRow(s5.stdout, "maps maps"));
  const m3 = await evalCli("--model", onnx, "--threshold", "0.3");
  const s3 = await evalCli("--maps", maps, "--threshold", "0.3");
  assert.equal(m3.code, 0, m3.stderr);
  check(tableRow(m3.stdout, "min-max"), tableRow(s3.stdout, "maps maps"));
  assert.match(s3.stdout, /threshold 0\.3, mean over images/);
  // The threshold moves F1+ (an untrained model's R+ spreads over [0, 1]) and leaves PxAP.
  const [at5, at3] = [tableRow(s5.stdout, "maps maps"), tableRow(s3.stdout, "maps maps")];
  assert.notEqual(at3[1], at5[1]);
  assert.equal(at3[3], at5[3]);
  const csv = await readCsv(join(tmp, "maps.csv"));
  assert.deepEqual(Object.keys(csv[0]), [
    "image",
    "label",
    "dice",
    "f1_neg",
    "iou",
    "pxap",
    "mask_area",
  ]);
  const fromModel = await readCsv(join(tmp, "onnx.csv"));
  for (let i = 0; i < 4; i++) {
    for (const k of ["dice", "f1_neg", "iou", "pxap", "mask_area"]) {
      assert.equal(csv[i][k], fromModel[i][k]);
    }
  }
});

Deno.test("an ignore mask changes only its image's scores", async () => {
  await mapsRun();
  const plain = await readCsv(join(tmp, "maps.csv"));
  const ignored = join(tmp, "ignored.csv");
  const r = await evalCli("--maps", maps, "--split", "split/ignore.csv", "--csv", ignored);
  assert.equal(r.code, 0, r.stderr);
  const withRegion = await readCsv(ignored);
  for (const i of [0, 2, 3]) assert.deepEqual(withRegion[i], plain[i]);
  assert.notEqual(withRegion[1].f1_neg, plain[1].f1_neg);
  // The mask area is the map's, over the whole image.
  assert.equal(withRegion[1].mask_area, plain[1].mask_area);
});

Deno.test("eval refuses --model with --maps, a missing map and a bad threshold, clearly", async () => {
  const both = await evalCli("--model", onnx, "--maps", tmp);
  assert.equal(both.code, 2);
  assert.match(both.stderr, /give --model or --maps, not both/);
  const none = await evalCli();
  assert.equal(none.code, 2);
  assert.match(none.stderr, /--model \(or --maps DIR\) is required/);
  const empty = join(tmp, "no-maps");
  await Deno.mkdir(empty);
  const missing = await evalCli("--maps", empty);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /no map for img0\.png \(img0\.npy or img0\.png\)/);
  const zero = await evalCli("--model", onnx, "--threshold", "0");
  assert.equal(zero.code, 2);
  assert.match(zero.stderr, /--threshold must be above 0/);
});
