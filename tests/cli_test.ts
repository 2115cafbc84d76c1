import assert from "node:assert/strict";
import { join } from "node:path";
import { decodeCheckpoint, decodeImage, encodePng } from "@pointwise/core/lite";
import { syntheticDataset } from "@pointwise/core/data";
import { listDir, runScript, tinyCheckpoint, tinyRunFlags } from "./_helpers.ts";

const tmp = await Deno.makeTempDir({ prefix: "pointwise-cli-" });
const model = join(tmp, "model.safetensors");
await Deno.writeFile(model, (await tinyCheckpoint()).bytes);
const images = syntheticDataset({ count: 2, size: 70, classes: 2, seed: 7 }).samples.map((s) =>
  s.image
);
const imagePaths = [join(tmp, "a.png"), join(tmp, "b.png")];
for (let i = 0; i < 2; i++) await Deno.writeFile(imagePaths[i], await encodePng(images[i]));

Deno.test("predict.ts, with only read and write permissions, writes mask, overlay and JSON per image", async () => {
  const out = join(tmp, "pred");
  const r = await runScript("predict.ts", ["--model", model, ...imagePaths, "--out", out]);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(await listDir(out), [
    "a.json",
    "a_mask.png",
    "a_overlay.jpg",
    "b.json",
    "b_mask.png",
    "b_overlay.jpg",
  ]);
  const report = JSON.parse(await Deno.readTextFile(join(out, "a.json")));
  assert.equal(report.width, 70);
  assert.ok(["stripes", "dots"].includes(report.class));
  assert.ok(Math.abs(report.probabilities.stripes + report.probabilities.dots - 1) < 1e-4);
  assert.ok(report.maskArea >= 0 && report.maskArea <= 1);
  const mask = await decodeImage(await Deno.readFile(join(out, "a_mask.png")), "a_mask.png");
  assert.equal(mask.width * mask.height, 70 * 70);
  assert.ok(mask.data.every((v) => v === 0 || v === 255));
  const fg = mask.data.filter((v, i) => i % 3 === 0 && v === 255).length;
  assert.equal(fg, report.maskPixels);
  // The overlay is a photograph: JPEG by default.
  const overlay = await decodeImage(
    await Deno.readFile(join(out, "a_overlay.jpg")),
    "a_overlay.jpg",
  );
  assert.equal(overlay.width, 70);
  assert.equal(report.files.overlay, join(out, "a_overlay.jpg"));
});

Deno.test("predict refuses bad input with the file named, a non-zero exit and nothing written", async () => {
  const bad = join(tmp, "broken.png");
  await Deno.writeFile(bad, new TextEncoder().encode("not a picture"));
  const out = join(tmp, "pred-bad");
  const r = await runScript("predict.ts", ["--model", model, imagePaths[0], bad, "--out", out]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /broken\.png: cannot decode the image/);
  assert.deepEqual(await listDir(out), []);
  const missing = await runScript("predict.ts", [
    "--model",
    join(tmp, "none"),
    imagePaths[0],
    "--out",
    out,
  ]);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /cannot read model .*none: no such file/);
  const corrupt = join(tmp, "corrupt.safetensors");
  await Deno.writeFile(corrupt, (await Deno.readFile(model)).slice(0, 200));
  const c = await runScript("predict.ts", ["--model", corrupt, imagePaths[0], "--out", out]);
  assert.equal(c.code, 1);
  assert.match(c.stderr, /corrupt\.safetensors: /);
  assert.deepEqual(await listDir(out), []);
});

Deno.test("the CLI answers usage mistakes with exit code 2 and help with 0", async () => {
  const noModel = await runScript("predict.ts", [imagePaths[0]]);
  assert.equal(noModel.code, 2);
  assert.match(noModel.stderr, /--model is required/);
  const gif = await runScript("predict.ts", [
    "--model",
    model,
    "--image-format",
    "gif",
    imagePaths[0],
  ]);
  assert.equal(gif.code, 2);
  assert.match(gif.stderr, /--image-format must be one of png, jpeg, webp, got 'gif'/);
  const unknown = await runScript("apps/cli/main.ts", ["train", "--learning-rate", "3"]);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /Unknown option '--learning-rate'/);
  const badValue = await runScript("apps/cli/main.ts", ["train", "--epochs", "zero"]);
  assert.equal(badValue.code, 2);
  // Out-of-range settings are usage mistakes too, named by their flags.
  const outOfRange = await runScript("apps/cli/main.ts", ["train", "--epochs", "0", "--kmax", "0"]);
  assert.equal(outOfRange.code, 2);
  assert.match(outOfRange.stderr, /--epochs must be >= 1, got 0/);
  assert.match(outOfRange.stderr, /--kmax must be >= /);
  const help = await runScript("apps/cli/main.ts", ["train", "--help"]);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /--erase-times N/);
  assert.match(help.stdout, /--\[no-\]deep-stem/);
  const top = await runScript("apps/cli/main.ts", ["frobnicate"]);
  assert.equal(top.code, 2);
  assert.match(top.stderr, /unknown command 'frobnicate'/);
});

Deno.test("train rejects a bad split before training, naming the file and line, writing nothing", async () => {
  const data = join(tmp, "data");
  await Deno.mkdir(join(data, "split"), { recursive: true });
  const ds = syntheticDataset({ count: 3, size: 48, classes: 2, seed: 1 });
  for (const [i, s] of ds.samples.entries()) {
    await Deno.writeFile(join(data, `${i}.png`), await encodePng(s.image));
  }
  await Deno.writeTextFile(join(data, "split", "train.csv"), "0.png,,stripes\n1.png,,dots\n");
  await Deno.writeTextFile(join(data, "split", "valid.csv"), "2.png,,stripes\n0.png,,zebra\n");
  const out = join(tmp, "run-bad");
  const r = await runScript("apps/cli/main.ts", [
    "train",
    "--data",
    data,
    "--out",
    out,
    "--epochs",
    "1",
  ]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /valid\.csv:2: unknown label 'zebra' \(classes: dots, stripes\)/);
  assert.deepEqual(await listDir(out), []);
});

/** Flags of a tiny synthetic training run with `train` training images. */
const smallRun = (train: number) => tinyRunFlags(train, 0.125);

Deno.test("train writes checkpoints, resumes, and keeps the last good checkpoint when training diverges", async () => {
  const out = join(tmp, "run");
  const small = smallRun(16);
  const r = await runScript("apps/cli/main.ts", ["train", ...small, "--epochs", "1", "--out", out]);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(await listDir(out), [
    "best.safetensors",
    "history.json",
    "last.safetensors",
    "run.json",
  ]);
  assert.match(r.stdout, /all-ones mask/);
  const again = await runScript("apps/cli/main.ts", [
    "train",
    ...small,
    "--epochs",
    "1",
    "--out",
    out,
  ]);
  assert.equal(again.code, 2, "an existing run is not overwritten silently");
  assert.match(again.stderr, /already holds a run/);

  const resumed = await runScript("apps/cli/main.ts", ["train", "--resume", out, "--epochs", "2"]);
  assert.equal(resumed.code, 0, resumed.stderr);
  const last = decodeCheckpoint(await Deno.readFile(join(out, "last.safetensors")), "last");
  assert.equal(last.train!.epoch, 2);
  assert.equal(JSON.parse(await Deno.readTextFile(join(out, "history.json"))).length, 2);

  const shape = await runScript("apps/cli/main.ts", ["train", "--resume", out, "--width", "0.5"]);
  assert.equal(shape.code, 2);
  assert.match(shape.stderr, /shape cannot change when resuming \(got --width\)/);

  const before = await Deno.readFile(join(out, "last.safetensors"));
  const diverged = await runScript("apps/cli/main.ts", [
    "train",
    "--resume",
    out,
    "--epochs",
    "6",
    "--lr",
    "1e30",
  ]);
  assert.equal(diverged.code, 1);
  assert.match(diverged.stderr, /training diverged: .*try a lower --lr/);
  assert.match(diverged.stderr, /the last good checkpoint is .*last\.safetensors \(epoch \d\)/);
  const kept = decodeCheckpoint(await Deno.readFile(join(out, "last.safetensors")), "last");
  assert.ok(kept.train!.epoch >= 2);
  assert.ok([...kept.weights.values()].every((w) => w.data.every(Number.isFinite)));
  assert.ok(before.length > 0);
});

Deno.test("eval prints the scores table with the floor rows and writes per-image pictures", async () => {
  const out = join(tmp, "eval");
  const r = await runScript("apps/cli/main.ts", [
    "eval",
    "--model",
    model,
    "--synthetic-test",
    "3",
    "--synthetic-size",
    "64",
    "--overlays",
    out,
    "--image-format",
    "webp",
  ]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /min-max\s+[\d.]+/);
  assert.match(r.stdout, /all-ones mask\s+-\s+[\d.]+\s+0\.0/);
  const files = await listDir(out);
  const panels = files.filter((f) => f.endsWith("_panel.webp"));
  assert.equal(panels.length, 3);
  const riff = await Deno.readFile(join(out, panels[0]));
  assert.equal(new TextDecoder().decode(riff.subarray(8, 12)), "WEBP");
  assert.ok(files.includes("per_image.csv"));
});

Deno.test("eval --report writes one self-contained HTML page for a tiny run", async () => {
  const run = join(tmp, "run-report");
  const t = await runScript("apps/cli/main.ts", [
    "train",
    ...smallRun(8),
    "--epochs",
    "2",
    "--out",
    run,
  ]);
  assert.equal(t.code, 0, t.stderr);
  const report = join(tmp, "report.html");
  const r = await runScript("apps/cli/main.ts", ["eval", "--model", run, "--report", report]);
  assert.equal(r.code, 0, r.stderr);
  const html = await Deno.readTextFile(report);
  assert.match(html, /^<!doctype html>/);
  assert.equal((html.match(/<figure>/g) ?? []).length, 4, "one panel per test image");
  assert.equal((html.match(/src="data:image\/webp;base64,/g) ?? []).length, 4);
  assert.equal((html.match(/<title>histogram of /g) ?? []).length, 3, "F1+, F1-, mask area");
  assert.equal((html.match(/<polyline /g) ?? []).length, 8, "losses and valid metrics per epoch");
  assert.match(html, /<td>all-ones mask<\/td>/);
  assert.doesNotMatch(html, /<script|(src|href)="(https?:)?\/\//);
  // Worst to best: the F1+ in the captions never decreases.
  const f1 = [...html.matchAll(/: F1\+ ([\d.]+), F1-/g)].map((m) => Number(m[1]));
  assert.deepEqual(f1, [...f1].sort((a, b) => a - b));
});
