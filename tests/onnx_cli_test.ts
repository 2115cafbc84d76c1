import assert from "node:assert/strict";
import { join } from "node:path";
import { buildMinMaxNet } from "@pointwise/core/model";
import { encodeCheckpoint } from "@pointwise/core/io";
import { Rng } from "@pointwise/core";
import { encodePng, PRESETS, withOverrides } from "@pointwise/core/lite";
import { syntheticDataset } from "@pointwise/core/data";
import { listDir, runScript } from "./_helpers.ts";

const tmp = await Deno.makeTempDir({ prefix: "pointwise-onnx-" });
const config = withOverrides(PRESETS.cpu, { width: 0.0625 });
const net = buildMinMaxNet(config, ["stripes", "dots"], new Rng(3));
await Deno.writeFile(
  join(tmp, "model.safetensors"),
  encodeCheckpoint({ config, classes: ["stripes", "dots"], weights: await net.store.read() }),
);
net.dispose();
const imagePath = join(tmp, "a.png");
await Deno.writeFile(
  imagePath,
  await encodePng(syntheticDataset({ count: 1, size: 90, classes: 2, seed: 2 }).samples[0].image),
);

/** `pointwise export` of the tiny checkpoint to `out`. */
const exportTo = (out: string, ...flags: string[]) =>
  runScript("apps/cli/main.ts", [
    "export",
    "--model",
    join(tmp, "model.safetensors"),
    "--out",
    out,
    ...flags,
  ]);

Deno.test("export writes a checked ONNX file, and predict.ts runs it without TensorFlow.js", async () => {
  const onnxPath = join(tmp, "model.onnx");
  const e = await exportTo(onnxPath);
  assert.equal(e.code, 0, e.stderr);
  assert.match(
    e.stderr,
    /checked in onnxruntime against the model: logits within .*100\.00% of mask pixels agree/,
  );
  assert.match(e.stdout, /ONNX IR 8, opset 17, classes stripes, dots/);

  const out = join(tmp, "pred");
  const r = await runScript("tests/onnx_isolation_check.ts", [
    "--model",
    onnxPath,
    imagePath,
    "--out",
    out,
    "--threads",
    "2",
  ]);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout.trim().split("\n").pop()!), { code: 0, tfjsLoaded: false });
  assert.match(r.stderr, /runtime: onnxruntime-web, wasm .*WASM-SIMD, 2 threads/);
  assert.deepEqual(await listDir(out), [
    "a.json",
    "a_mask.png",
    "a_overlay.jpg",
    "predictions.csv",
  ]);
  // The checkpoint path does load it: the check above can fail.
  const tf = await runScript("tests/onnx_isolation_check.ts", [
    "--model",
    join(tmp, "model.safetensors"),
    imagePath,
    "--out",
    join(tmp, "pred2"),
  ]);
  assert.deepEqual(JSON.parse(tf.stdout.trim().split("\n").pop()!), { code: 0, tfjsLoaded: true });
});

Deno.test("predict.ts refuses a corrupt .onnx file, naming it, writing nothing", async () => {
  const bad = join(tmp, "bad.onnx");
  await Deno.writeFile(bad, new TextEncoder().encode("not a model"));
  const out = join(tmp, "pred-bad");
  const r = await runScript("predict.ts", ["--model", bad, imagePath, "--out", out]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /bad\.onnx: not a valid ONNX model/);
  assert.deepEqual(await listDir(out), []);
});

Deno.test("--threads sets TensorFlow.js's wasm threads too, and is checked", async () => {
  const r = await runScript("predict.ts", [
    "--model",
    join(tmp, "model.safetensors"),
    imagePath,
    "--out",
    join(tmp, "pred-threads"),
    "--threads",
    "1",
    "--backend",
    "wasm",
  ]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /backend: wasm .*WASM-SIMD, 1 thread, relaxed-SIMD multiply-add\)/);
  const bad = await runScript("predict.ts", [
    "--model",
    join(tmp, "model.safetensors"),
    imagePath,
    "--threads",
    "0",
  ]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--threads expects a number from 1 to 8, got '0'/);
});

const hasOnnx = (await new Deno.Command("/usr/bin/python3", {
  args: ["-c", "import onnx"],
  stdout: "null",
  stderr: "null",
}).output().catch(() => ({ code: 1 }))).code === 0;
if (!hasOnnx) {
  console.warn(
    "skipping the onnx.checker test: Debian's python3-onnx is not installed (.ci/run installs it)",
  );
}

Deno.test({
  name: "the exported file passes onnx.checker.check_model (Debian's python3-onnx)",
  ignore: !hasOnnx,
  fn: async () => {
    const onnxPath = join(tmp, "checked.onnx");
    const e = await exportTo(onnxPath, "--no-verify");
    assert.equal(e.code, 0, e.stderr);
    const check = await new Deno.Command("/usr/bin/python3", {
      args: [
        "-c",
        "import onnx,sys; m=onnx.load(sys.argv[1]); onnx.checker.check_model(m, full_check=True); print('ok', m.ir_version, m.opset_import[0].version)",
        onnxPath,
      ],
      stdout: "piped",
      stderr: "piped",
    }).output();
    const dec = new TextDecoder();
    assert.equal(check.code, 0, dec.decode(check.stderr));
    assert.equal(dec.decode(check.stdout).trim(), "ok 8 17");
  },
});

const adapter = await (async () => {
  const gpu = (navigator as { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
  return gpu !== undefined && (await gpu.requestAdapter().catch(() => null)) !== null;
})();
if (!adapter) console.warn("skipping the webgpu provider test: no WebGPU adapter here");

Deno.test({
  name:
    "onnxruntime's webgpu provider gives the wasm provider's results (where any adapter exists)",
  ignore: !adapter,
  fn: async () => {
    const onnxPath = join(tmp, "gpu.onnx");
    assert.equal(
      (await exportTo(onnxPath, "--no-verify")).code,
      0,
    );
    const results = [];
    for (const backend of ["wasm", "webgpu"]) {
      const out = join(tmp, `pred-${backend}`);
      const r = await runScript("predict.ts", [
        "--model",
        onnxPath,
        imagePath,
        "--out",
        out,
        "--backend",
        backend,
      ]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, new RegExp(`runtime: onnxruntime-web, ${backend}`));
      results.push(JSON.parse(await Deno.readTextFile(join(out, "a.json"))));
    }
    for (const c of ["stripes", "dots"]) {
      assert.ok(Math.abs(results[0].probabilities[c] - results[1].probabilities[c]) < 1e-4);
    }
    assert.ok(Math.abs(results[0].maskArea - results[1].maskArea) < 1e-3);
  },
});
