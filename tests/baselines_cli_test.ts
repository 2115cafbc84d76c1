import assert from "node:assert/strict";
import { join } from "node:path";
import { decodeCheckpoint } from "@pointwise/core/lite";
import { decodeSafetensors, encodeSafetensors } from "@pointwise/core/io";
import { runScript, tinyCheckpoint, tinyRunFlags } from "./_helpers.ts";

const tmp = await Deno.makeTempDir({ prefix: "pointwise-baselines-" });
const tiny = ["--epochs", "1", ...tinyRunFlags(16, 0.0625), "--batch-size", "8"];

Deno.test("train --method deepmil writes a Deep MIL model that eval scores and export refuses", async () => {
  const out = join(tmp, "mil");
  const r = await runScript("apps/cli/main.ts", [
    "train",
    "--method",
    "deepmil",
    ...tiny,
    "--out",
    out,
  ]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /Deep MIL \(best\)/);
  assert.match(r.stdout, /–\s+–/, "the epoch row has no L_pos/L_neg for a baseline");
  const c = decodeCheckpoint(await Deno.readFile(join(out, "best.safetensors")), "best");
  assert.equal(c.config.method, "deepmil");
  assert.ok(c.weights.has("mil.attention_v.weight") && !c.weights.has("cl32.to_modalities.weight"));
  const ev = await runScript("apps/cli/main.ts", ["eval", "--model", out]);
  assert.equal(ev.code, 0, ev.stderr);
  assert.match(ev.stdout, /Deep MIL\s+\d/);
  const ex = await runScript("apps/cli/main.ts", [
    "export",
    "--model",
    out,
    "--out",
    join(tmp, "m.onnx"),
  ]);
  assert.equal(ex.code, 1);
  assert.match(
    ex.stderr,
    /best\.safetensors: export supports min-max models; this one is the 'deepmil' baseline/,
  );
});

Deno.test("eval --map gradcam reads a CAM model with Grad-CAM; a model without that map refuses it", async () => {
  const out = join(tmp, "cam");
  const r = await runScript("apps/cli/main.ts", [
    "train",
    "--method",
    "cam",
    ...tiny,
    "--out",
    out,
  ]);
  assert.equal(r.code, 0, r.stderr);
  const ev = await runScript("apps/cli/main.ts", ["eval", "--model", out, "--map", "gradcam"]);
  assert.equal(ev.code, 0, ev.stderr);
  assert.match(ev.stdout, /Grad-CAM\s+\d/);
  const model = join(tmp, "minmax.safetensors");
  await Deno.writeFile(model, (await tinyCheckpoint()).bytes);
  const bad = await runScript("apps/cli/main.ts", ["eval", "--model", model, "--map", "gradcam"]);
  assert.equal(bad.code, 2);
  assert.match(
    bad.stderr,
    /--map gradcam is not a map of this model: this model's method is minmax, whose maps are r\+, m\+, cam/,
  );
});

Deno.test("a checkpoint written before methods existed loads as min-max; an unknown method is named", async () => {
  const { bytes } = await tinyCheckpoint();
  const { tensors, metadata } = decodeSafetensors(bytes, "t");
  const config = JSON.parse(metadata.config);
  delete config.method;
  const old = encodeSafetensors(tensors, { ...metadata, config: JSON.stringify(config) });
  assert.equal(decodeCheckpoint(old, "old.safetensors").config.method, "minmax");
  config.method = "saliency";
  const bad = encodeSafetensors(tensors, { ...metadata, config: JSON.stringify(config) });
  assert.throws(
    () => decodeCheckpoint(bad, "bad.safetensors"),
    /bad\.safetensors: invalid config in checkpoint: setting 'method' must be one of minmax, wildcat, cam, gradcam, deepmil, got 'saliency'/,
  );
});

Deno.test("train --dataset digits trains on cluttered digits; --dataset with --data is a usage error", async () => {
  const out = join(tmp, "digits");
  const r = await runScript("apps/cli/main.ts", [
    "train",
    "--dataset",
    "digits",
    "--digits-train",
    "20",
    "--digits-valid",
    "10",
    "--digits-test",
    "10",
    "--digits-size",
    "64",
    "--crop",
    "64",
    "--epochs",
    "1",
    "--width",
    "0.0625",
    "--out",
    out,
  ]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /cluttered digits train: 20 images of 64x64, 10 classes/);
  assert.match(r.stdout, /test scores .* cluttered digits test: 10 images/);
  const c = decodeCheckpoint(await Deno.readFile(join(out, "best.safetensors")), "best");
  assert.deepEqual(c.classes, ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"]);
  const ev = await runScript("apps/cli/main.ts", ["eval", "--model", out]);
  assert.equal(ev.code, 0, ev.stderr);
  assert.match(ev.stderr, /cluttered digits test: 10 images of 64x64/);
  const bad = await runScript("apps/cli/main.ts", ["train", "--dataset", "digits", "--data", tmp]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--dataset names a built-in dataset; it cannot go with --data/);
});
