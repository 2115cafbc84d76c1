// `pointwise import` and `train --init-backbone` read PyTorch .pth files as they read
// safetensors: the file type comes from its bytes, not its name.
import assert from "node:assert/strict";
import { join } from "node:path";
import { decodeCheckpoint } from "@pointwise/core";
import { ROOT, runScript } from "./_helpers.ts";

const tmp = await Deno.makeTempDir({ prefix: "pointwise-pth-" });
const FIXTURES = join(ROOT, "tests", "fixtures");
// The same weights: reference_tiny.safetensors nested as {"epoch": 7, "state_dict": ...} by
// tests/fixtures/make_pth_fixtures.py with torch.save.
const SAFETENSORS = join(FIXTURES, "reference_tiny.safetensors");
const PTH = join(FIXTURES, "reference_tiny_checkpoint.pth");

async function importTo(from: string, out: string) {
  const r = await runScript("apps/cli/main.ts", [
    "import",
    "--from",
    from,
    "--classes",
    "benign,malignant",
    "--out",
    out,
  ]);
  assert.equal(r.code, 0, r.stderr);
  return decodeCheckpoint(await Deno.readFile(join(out, "best.safetensors")), out);
}

Deno.test("import --from X.pth gives the checkpoint that the same weights as safetensors give", async () => {
  // A .pth under a misleading name: the type is sniffed from the bytes.
  const renamed = join(tmp, "weights.safetensors");
  await Deno.copyFile(PTH, renamed);
  const fromPth = await importTo(renamed, join(tmp, "from-pth"));
  const fromSt = await importTo(SAFETENSORS, join(tmp, "from-st"));
  assert.deepEqual(fromPth.config, fromSt.config);
  assert.deepEqual([...fromPth.weights.keys()], [...fromSt.weights.keys()]);
  for (const [name, t] of fromSt.weights) assert.deepEqual(fromPth.weights.get(name), t, name);
});

Deno.test("import refuses a .pth that would run code, writing nothing", async () => {
  const out = join(tmp, "evil");
  const r = await runScript("apps/cli/main.ts", [
    "import",
    "--from",
    join(FIXTURES, "pth", "malicious.pth"),
    "--out",
    out,
  ]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /malicious\.pth: refuses the global 'posix\.system'/);
  await assert.rejects(Deno.stat(out), Deno.errors.NotFound);
});

Deno.test("train --init-backbone takes a .pth checkpoint", async () => {
  const r = await runScript("apps/cli/main.ts", [
    "train",
    "--arch",
    "resnet50",
    "--deep-stem",
    "--width",
    "0.0625",
    "--synthetic-train",
    "4",
    "--synthetic-valid",
    "2",
    "--synthetic-test",
    "2",
    "--synthetic-size",
    "64",
    "--crop",
    "64",
    "--batch-size",
    "4",
    "--epochs",
    "1",
    "--out",
    join(tmp, "run"),
    "--init-backbone",
    PTH,
  ]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(
    r.stderr,
    /imported \d+ tensors from .*reference_tiny_checkpoint\.pth \(reference naming\) into the backbone of resnet50 \(deep stem\)/,
  );
});
