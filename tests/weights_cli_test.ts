import assert from "node:assert/strict";
import { join } from "node:path";
import { buildMinMaxNet } from "@pointwise/core/model";
import { decodeCheckpoint, encodePng, PRESETS, withOverrides } from "@pointwise/core/lite";
import { decodeSafetensors, encodeSafetensors, hwioToOihw } from "@pointwise/core/io";
import { initBackend, Rng, Trainer } from "@pointwise/core";
import { syntheticDataset } from "@pointwise/core/data";
import { ROOT, runScript } from "./_helpers.ts";

const tmp = await Deno.makeTempDir({ prefix: "pointwise-weights-" });
const FIXTURE = join(ROOT, "tests", "fixtures", "reference_tiny.safetensors");

Deno.test("import a reference checkpoint, predict with it, export it back unchanged", async () => {
  const out = join(tmp, "imported");
  const r = await runScript("apps/cli/main.ts", [
    "import",
    "--from",
    FIXTURE,
    "--classes",
    "benign,malignant",
    "--out",
    out,
  ]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(
    r.stdout,
    /resnet50 \(deep stem\) x0\.0625, classes benign, malignant, w 8, sigma 0\.5/,
  );
  assert.match(r.stderr, /skipped \d+: .*num_batches_tracked/);
  const c = decodeCheckpoint(await Deno.readFile(join(out, "best.safetensors")), "best");
  assert.deepEqual(c.classes, ["benign", "malignant"]);

  const image = join(tmp, "x.png");
  await Deno.writeFile(
    image,
    await encodePng(syntheticDataset({ count: 1, size: 80, classes: 2, seed: 1 }).samples[0].image),
  );
  const p = await runScript("predict.ts", ["--model", out, image, "--out", join(tmp, "pred")]);
  assert.equal(p.code, 0, p.stderr);
  assert.match(p.stdout, /x\.png: (benign|malignant)/);

  const exported = join(tmp, "export.safetensors");
  const e = await runScript("apps/cli/main.ts", ["export", "--model", out, "--out", exported]);
  assert.equal(e.code, 0, e.stderr);
  const original = decodeSafetensors(await Deno.readFile(FIXTURE), "fixture");
  const back = decodeSafetensors(await Deno.readFile(exported), "export");
  for (const [name, t] of original.tensors) assert.deepEqual(back.tensors.get(name), t, name);
  assert.deepEqual(JSON.parse(back.metadata.classes), ["benign", "malignant"]);
  // The export re-imports with its metadata: no --classes needed.
  const again = await runScript("apps/cli/main.ts", [
    "import",
    "--from",
    exported,
    "--out",
    join(tmp, "again"),
  ]);
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stdout, /classes benign, malignant/);
});

Deno.test("import refuses files that do not fit, naming them", async () => {
  const bad = join(tmp, "broken.safetensors");
  await Deno.writeFile(bad, (await Deno.readFile(FIXTURE)).slice(0, 1000));
  const r = await runScript("apps/cli/main.ts", ["import", "--from", bad, "--out", join(tmp, "x")]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /broken\.safetensors: /);
  const tv = await runScript("apps/cli/main.ts", [
    "import",
    "--from",
    FIXTURE,
    "--naming",
    "torchvision",
    "--out",
    join(tmp, "x"),
  ]);
  assert.equal(tv.code, 2);
  assert.match(tv.stderr, /use pointwise train --init-backbone/);
  const classes = await runScript("apps/cli/main.ts", [
    "import",
    "--from",
    FIXTURE,
    "--classes",
    "a,b,c",
    "--out",
    join(tmp, "x"),
  ]);
  assert.equal(classes.code, 2);
  assert.match(classes.stderr, /--classes needs 2 comma-separated names/);
});

/** A torchvision-style file: a ResNet-18 x0.25 backbone in OIHW, plus fc.* */
async function torchvisionFile(
  seed: number,
): Promise<{ path: string; tensors: Map<string, { shape: number[]; data: Float32Array }> }> {
  await initBackend("wasm");
  const config = withOverrides(PRESETS.cpu, {});
  const net = buildMinMaxNet(config, ["a", "b"], new Rng(seed));
  const tensors = new Map<string, { shape: number[]; data: Float32Array }>();
  for (const [name, t] of await net.store.read()) {
    if (!name.startsWith("headseg.") && !name.startsWith("cl32.")) tensors.set(name, hwioToOihw(t));
  }
  net.dispose();
  tensors.set("fc.weight", { shape: [1000, 128], data: new Float32Array(128000) });
  tensors.set("fc.bias", { shape: [1000], data: new Float32Array(1000) });
  const path = join(tmp, `tv${seed}.safetensors`);
  await Deno.writeFile(path, encodeSafetensors(tensors));
  return { path, tensors };
}

Deno.test("training starts from imported backbone weights with fresh heads", async () => {
  const { path, tensors } = await torchvisionFile(42);
  const { importWeights, decodeSafetensors: decode, isBackboneParameter, TORCHVISION_NAMING } =
    await import("@pointwise/core/io");
  const file = decode(await Deno.readFile(path), path);
  const data = syntheticDataset({ count: 4, size: 64, classes: 2, seed: 1 });
  const trainer = new Trainer({
    config: withOverrides(PRESETS.cpu, { epochs: 1 }),
    train: data,
    valid: data,
    init: (net) =>
      net.store.assignPartial(
        importWeights(file, TORCHVISION_NAMING, net.store, {
          fileName: path,
          scope: isBackboneParameter,
        }).values,
      ),
  });
  const weights = await trainer.net.store.read();
  assert.deepEqual(
    hwioToOihw(weights.get("layer2.0.downsample.0.weight")!),
    tensors.get("layer2.0.downsample.0.weight"),
  );
  assert.deepEqual(weights.get("bn1.running_var"), tensors.get("bn1.running_var"));
  // The heads are exactly those of a run without the import.
  const plain = new Trainer({
    config: withOverrides(PRESETS.cpu, { epochs: 1 }),
    train: data,
    valid: data,
  });
  const plainWeights = await plain.net.store.read();
  for (const name of ["headseg.to_modalities.weight", "cl32.to_modalities.bias"]) {
    assert.deepEqual(weights.get(name), plainWeights.get(name), name);
  }
  assert.notDeepEqual(plainWeights.get("conv1.weight"), weights.get("conv1.weight"));
  trainer.dispose();
  plain.dispose();
});

Deno.test("train --init-backbone reports what it imported and refuses another architecture", async () => {
  const { path } = await torchvisionFile(7);
  const small = [
    "--synthetic-train",
    "8",
    "--synthetic-valid",
    "2",
    "--synthetic-test",
    "2",
    "--synthetic-size",
    "64",
    "--crop",
    "64",
    "--epochs",
    "1",
  ];
  const r = await runScript("apps/cli/main.ts", [
    "train",
    ...small,
    "--out",
    join(tmp, "run-init"),
    "--init-backbone",
    path,
  ]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(
    r.stderr,
    /imported 100 tensors from .*tv7\.safetensors \(torchvision naming\) into the backbone of resnet18 x0\.25; skipped 2: fc\.weight, fc\.bias/,
  );
  // Baselines share the backbone; their own heads (fc., mil.) start fresh.
  for (const method of ["cam", "deepmil", "wildcat"]) {
    const b = await runScript("apps/cli/main.ts", [
      "train",
      ...small,
      "--method",
      method,
      "--out",
      join(tmp, `run-init-${method}`),
      "--init-backbone",
      path,
    ]);
    assert.equal(b.code, 0, b.stderr);
    assert.match(b.stderr, /imported 100 tensors .* skipped 2: fc\.weight, fc\.bias/, method);
  }
  // A Pointwise run's checkpoint warm-starts another run strictly, in its own naming.
  const own = join(tmp, "run-init-wildcat", "best.safetensors");
  const warm = await runScript("apps/cli/main.ts", [
    "train",
    ...small,
    "--output-stride",
    "16",
    "--out",
    join(tmp, "run-warm"),
    "--init-backbone",
    own,
  ]);
  assert.equal(warm.code, 0, warm.stderr);
  assert.match(
    warm.stderr,
    /imported 100 tensors from .*best\.safetensors \(pointwise naming\) into the backbone \(from a WILDCAT run\); skipped 2: headseg\.to_modalities\.weight, headseg\.to_modalities\.bias/,
  );
  const named = await runScript("apps/cli/main.ts", [
    "train",
    ...small,
    "--out",
    join(tmp, "run-warm-named"),
    "--init-backbone",
    own,
    "--init-naming",
    "torchvision",
  ]);
  assert.equal(named.code, 2);
  assert.match(named.stderr, /is a Pointwise checkpoint, in Pointwise's own naming/);
  const wrong = await runScript("apps/cli/main.ts", [
    "train",
    ...small,
    "--width",
    "0.5",
    "--out",
    join(tmp, "run-wrong"),
    "--init-backbone",
    path,
  ]);
  assert.equal(wrong.code, 1);
  assert.match(wrong.stderr, /does not match the model under torchvision naming/);
  assert.match(wrong.stderr, /wrong shape or dtype \(\d+\): conv1\.weight: \[7,7,3,16\]/);
});
