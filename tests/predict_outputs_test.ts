// predict's outputs: never over an existing file without --force, never over
// an input, and an image's files together or not at all.
import assert from "node:assert/strict";
import { join } from "node:path";
import { main } from "@pointwise/cli";
import { listDir, syntheticPngs, tinyCheckpoint } from "./_helpers.ts";

const tmp = await Deno.makeTempDir({ prefix: "pointwise-predict-out-" });
const model = join(tmp, "model.safetensors");
await Deno.writeFile(model, (await tinyCheckpoint()).bytes);
const [pngA, pngB] = await syntheticPngs([40, 44]);

async function predict(...args: string[]): Promise<{ code: number; text: string }> {
  const lines: string[] = [];
  const { log, error } = console;
  console.log = console.error = (...a: unknown[]) => lines.push(a.join(" "));
  try {
    return { code: await main(["predict", "--model", model, ...args]), text: lines.join("\n") };
  } finally {
    Object.assign(console, { log, error });
  }
}

Deno.test("predicting an image into its own folder never replaces its ground-truth mask", async () => {
  const dir = join(tmp, "slides");
  await Deno.mkdir(dir);
  await Deno.writeFile(join(dir, "a.png"), pngA);
  await Deno.writeFile(join(dir, "a_mask.png"), pngB); // the README's naming: a's ground truth
  const r = await predict(join(dir, "a.png"), "--out", dir);
  assert.equal(r.code, 2, r.text);
  assert.match(r.text, /.*a_mask\.png already exists.*: pass --force to overwrite/);
  assert.deepEqual(await listDir(dir), ["a.png", "a_mask.png"]);
  assert.deepEqual(await Deno.readFile(join(dir, "a_mask.png")), pngB);
  // Even with --force, an input is never an output: whether a_mask.png is skipped as a mask
  // (the default) or predicted as an image (--skip none).
  for (const skip of [[], ["--skip", "none"]]) {
    const both = await predict(
      join(dir, "a.png"),
      join(dir, "a_mask.png"),
      ...skip,
      "--out",
      dir,
      "--force",
    );
    assert.equal(both.code, 2, both.text);
    assert.match(both.text, /an output would replace an input: .*a_mask\.png/);
    assert.deepEqual(await listDir(dir), ["a.png", "a_mask.png"]);
    assert.deepEqual(await Deno.readFile(join(dir, "a_mask.png")), pngB);
  }
});

Deno.test("an image's files appear together or not at all; a second run needs --force", async () => {
  const dir = join(tmp, "in");
  const out = join(tmp, "out");
  await Deno.mkdir(dir);
  await Deno.writeFile(join(dir, "a.png"), pngA);
  await Deno.writeFile(join(dir, "b.png"), pngB);
  // A folder where a's JSON goes: writing it fails after the mask and overlay are ready.
  await Deno.mkdir(join(out, "a.json", "in-the-way"), { recursive: true });
  const r = await predict(join(dir, "b.png"), join(dir, "a.png"), "--out", out, "--force");
  assert.equal(r.code, 1, r.text);
  assert.match(r.text, /cannot write .*a\.json: .*nothing of a_mask\.png, a_overlay\.jpg, a\.json/);
  // predictions.csv lists the images predicted: b alone.
  const written = ["b.json", "b_mask.png", "b_overlay.jpg", "predictions.csv"];
  assert.deepEqual(await listDir(out), ["a.json", ...written]);
  assert.doesNotMatch(await Deno.readTextFile(join(out, "predictions.csv")), /a\.png/);
  await Deno.remove(join(out, "a.json"), { recursive: true });
  const again = await predict(join(dir, "b.png"), join(dir, "a.png"), "--out", out);
  assert.equal(again.code, 2, "b's files exist: refused before anything is written");
  assert.match(
    again.text,
    /b_mask\.png already exists \(and 3 more of its outputs\): pass --force/,
  );
  assert.deepEqual(await listDir(out), written);
  const forced = await predict(join(dir, "b.png"), join(dir, "a.png"), "--out", out, "--force");
  assert.equal(forced.code, 0, forced.text);
  assert.equal((await listDir(out)).length, 7);
});

Deno.test("inputs that share a stem, or look numbered, get outputs of their own", async () => {
  const out = join(tmp, "stems");
  for (const d of ["x", "y"]) await Deno.mkdir(join(tmp, d));
  await Deno.writeFile(join(tmp, "x", "a.png"), pngA);
  await Deno.writeFile(join(tmp, "y", "a.png"), pngB);
  await Deno.writeFile(join(tmp, "x", "a-2.png"), pngB);
  const r = await predict(
    join(tmp, "x", "a.png"),
    join(tmp, "y", "a.png"),
    join(tmp, "x", "a-2.png"),
    "--out",
    out,
  );
  assert.equal(r.code, 0, r.text);
  const jsons = (await listDir(out)).filter((n) => n.endsWith(".json"));
  assert.deepEqual(jsons, ["a-2-2.json", "a-2.json", "a.json"]);
  const images = await Promise.all(
    jsons.map(async (n) => JSON.parse(await Deno.readTextFile(join(out, n))).image),
  );
  assert.equal(new Set(images).size, 3, "each input has its own report");
});

Deno.test("a bad inference flag is refused before the inputs are read", async () => {
  const missing = join(tmp, "nowhere", "x.png");
  for (
    const [flag, value, message] of [
      ["--map", "bogus", /--map must be one of/],
      ["--mask-upsample", "cubic", /--mask-upsample must be one of/],
      ["--backend", "tpu", /--backend must be one of/],
      ["--runtime", "torch", /--runtime must be one of/],
    ] as const
  ) {
    const r = await predict(missing, flag, value);
    assert.equal(r.code, 2, r.text);
    assert.match(r.text, message);
    assert.doesNotMatch(r.text, /nowhere/, "the flag, not the missing input, is reported");
  }
});

Deno.test("an image whose header lies past the first MiB (large metadata) is still read", async () => {
  const { decodeImage, encodeJpeg } = await import("@pointwise/core/data");
  const small = await encodeJpeg(await decodeImage(pngA, "a.png"));
  // Twenty 64 KiB comment segments between SOI and the frame header: 1.3 MB before it.
  const comment = new Uint8Array(65535 + 2);
  comment.set([0xff, 0xfe, 0xff, 0xff]);
  const parts = [small.subarray(0, 2), ...Array(20).fill(comment), small.subarray(2)];
  const bytes = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  parts.reduce((at, p) => (bytes.set(p, at), at + p.length), 0);
  const dir = join(tmp, "meta");
  await Deno.mkdir(dir);
  await Deno.writeFile(join(dir, "c.jpg"), bytes);
  const r = await predict(join(dir, "c.jpg"), "--out", join(dir, "out"));
  assert.equal(r.code, 0, r.text);
  assert.match(r.text, /predicted 1 of 1 image/);
});
