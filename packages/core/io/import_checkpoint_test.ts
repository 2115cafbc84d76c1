import assert from "node:assert/strict";
import { initBackend } from "../backend/backend.ts";
import { PRESETS } from "../config/presets.ts";
import { withOverrides } from "../config/validate_config.ts";
import { buildModel } from "../model/build.ts";
import { Rng } from "../util/rng.ts";
import { decodeCheckpoint, encodeCheckpoint } from "./checkpoint.ts";
import { backboneFromCheckpoint } from "./import_checkpoint.ts";
import { isBackboneParameter } from "./import_weights.ts";

const cfg = withOverrides(PRESETS.cpu, { width: 0.0625, modalities: 2 });

async function camCheckpoint() {
  const net = buildModel({ ...cfg, method: "cam" }, ["a", "b"], new Rng(1));
  const weights = await net.store.read();
  net.dispose();
  const optimizer = new Map([["conv1.weight", weights.get("conv1.weight")!]]);
  // Through the file format, as the CLI reads it: momentum buffers come back apart.
  const bytes = encodeCheckpoint({
    config: { ...cfg, method: "cam" },
    classes: ["a", "b"],
    weights,
    optimizer,
  });
  return { c: decodeCheckpoint(bytes, "cam.safetensors"), weights };
}

Deno.test("a CAM run's backbone warm-starts a min-max network at another output stride", async () => {
  await initBackend("wasm");
  const { c, weights } = await camCheckpoint();
  const target = buildModel({ ...cfg, outputStride: 16 }, ["a", "b"], new Rng(2));
  const { values, report } = backboneFromCheckpoint(c, target.store, {
    fileName: "cam.safetensors",
  });
  const backbone = target.store.names().filter(isBackboneParameter);
  assert.deepEqual(report.loaded.sort(), [...backbone].sort());
  assert.deepEqual(report.skipped.sort(), ["fc.bias", "fc.weight"]);
  assert.deepEqual([report.missing, report.unexpected, report.mismatched], [[], [], []]);
  for (const n of backbone) assert.deepEqual(values.get(n), weights.get(n), n);
  target.dispose();
});

Deno.test("another width is refused, listing the tensors, unless partial matches are allowed", async () => {
  await initBackend("wasm");
  const { c } = await camCheckpoint();
  const wider = buildModel({ ...cfg, width: 0.125 }, ["a", "b"], new Rng(2));
  assert.throws(
    () => backboneFromCheckpoint(c, wider.store, { fileName: "cam.safetensors" }),
    /cam\.safetensors \(a Pointwise resnet18 x0\.0625 checkpoint\) does not match the model under pointwise naming:\n {2}wrong shape or dtype \(\d+\): conv1\.weight: \[7,7,3,4\] but the model has \[7,7,3,8\]/,
  );
  const { values, report } = backboneFromCheckpoint(c, wider.store, {
    fileName: "cam.safetensors",
    allowPartial: true,
  });
  assert.equal(values.size, report.loaded.length);
  assert.ok(report.mismatched.length > 0);
  const deeper = buildModel({ ...cfg, arch: "resnet34" }, ["a", "b"], new Rng(2));
  assert.throws(
    () => backboneFromCheckpoint(c, deeper.store, { fileName: "cam.safetensors" }),
    /missing \(\d+\): layer1\.2\./,
  );
  wider.dispose();
  deeper.dispose();
});
