// The native runtime (onnxruntime-node): parity with onnxruntime-web, the
// choice `auto` makes from the permissions it is given (never a prompt), and
// clear refusals of what it cannot do.
import assert from "node:assert/strict";
import { join } from "node:path";
import { PRESETS, withOverrides } from "@pointwise/core/lite";
import { buildMinMaxNet } from "@pointwise/core/model";
import { exportOnnx } from "@pointwise/core/onnx";
import { Rng } from "@pointwise/core";
import { syntheticDataset } from "@pointwise/core/data";
import { loadOnnx, nativeBlocker } from "@pointwise/runtime";
import { runScript, syntheticPngs, tinyCheckpoint, tinyOnnx } from "./_helpers.ts";

const blocker = nativeBlocker();
if (blocker !== undefined) console.warn(`native runtime tests skipped: ${blocker}`);

/** Largest absolute difference. */
function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

Deno.test({
  name: "onnxruntime-node agrees with onnxruntime-web within 1e-4 on logits and R+",
  ignore: blocker !== undefined,
  async fn() {
    // The tiny test model and the cpu preset's network (ResNet-18 at a quarter width, the
    // deployed size), untrained: both runtimes run float32 with different kernels (MLAS's
    // native GEMM against its wasm build, other summation orders), so they agree to float32
    // rounding carried through some twenty layers: measured at most 2.3e-6 on R+ and 1e-7 on
    // the logits here (and on a full-width ResNet-18); 1e-4 is the bound asked of the runtime.
    const net = buildMinMaxNet(withOverrides(PRESETS.cpu, {}), ["a", "b"], new Rng(5));
    const cpu = exportOnnx({
      config: PRESETS.cpu,
      classes: ["a", "b"],
      weights: await net.store.read(),
    });
    net.dispose();
    const images = syntheticDataset({ count: 2, size: 97, classes: 2, seed: 3 }).samples.map((s) =>
      s.image
    );
    for (const [name, bytes] of [["tiny", await tinyOnnx()], ["cpu preset", cpu]] as const) {
      const web = await loadOnnx(bytes, name, { backend: "wasm", runtime: "web" });
      const native = await loadOnnx(bytes, name, { runtime: "native" });
      assert.equal(web.runtime.name, "onnxruntime-web");
      assert.equal(native.runtime.name, "onnxruntime-node");
      assert.equal(native.runtime.provider, "cpu");
      try {
        for (const image of images) {
          const [a, b] = [await web.predict(image), await native.predict(image)];
          const worst = Math.max(
            maxDiff(a.logits, b.logits),
            maxDiff(a.localizerProbabilities, b.localizerProbabilities),
            maxDiff(a.mask, b.mask),
          );
          assert.ok(worst <= 1e-4, `${name}: largest difference ${worst}`);
          assert.equal(a.classIndex, b.classIndex);
          // Masks agree except where R+ sits within the tolerance of the threshold.
          for (let i = 0; i < a.binary.length; i++) {
            if (Math.abs(a.mask[i] - 0.5) > 1e-4) assert.equal(a.binary[i], b.binary[i]);
          }
        }
      } finally {
        await web.dispose();
        await native.dispose();
      }
    }
  },
});

const tmp = await Deno.makeTempDir({ prefix: "pointwise-native-" });
const model = join(tmp, "model.onnx");
await Deno.writeFile(model, await tinyOnnx());
const image = join(tmp, "a.png");
await Deno.writeFile(image, (await syntheticPngs([64]))[0]);
// Every run writes the same outputs: each replaces the last one's (--force).
const predict = (flags: string[], ...args: string[]) =>
  runScript("predict.ts", [
    "--model",
    model,
    image,
    "--out",
    join(tmp, "out"),
    "--force",
    ...args,
  ], flags);

Deno.test({
  name: "auto takes native with --allow-ffi and web without it; native without it is refused",
  ignore: blocker !== undefined,
  async fn() {
    const web = await predict([]);
    assert.equal(web.code, 0, web.stderr);
    assert.match(
      web.stderr,
      /runtime: onnxruntime-web, wasm .*native cannot run: it needs --allow-ffi/,
    );
    const native = await predict(["--allow-ffi"]);
    assert.equal(native.code, 0, native.stderr);
    assert.match(
      native.stderr,
      /runtime: onnxruntime-node, cpu \(runtime auto: .*native CPU, \d+ thread/,
    );
    const asked = await predict(["--allow-ffi"], "--runtime", "native", "--threads", "1");
    assert.match(
      asked.stderr,
      /runtime: onnxruntime-node, cpu \(asked for; native CPU, 1 thread\)/,
    );
    // A web backend named on the command line keeps onnxruntime-web.
    const wasm = await predict(["--allow-ffi"], "--backend", "wasm");
    assert.match(wasm.stderr, /runtime: onnxruntime-web, wasm/);
    const denied = await predict([], "--runtime", "native");
    assert.equal(denied.code, 2);
    assert.match(
      denied.stderr,
      /native runtime .*cannot run here: it needs --allow-ffi.*add --allow-ffi/,
    );
  },
});

Deno.test("--runtime is checked, and native refuses web backends and checkpoints", async () => {
  const bad = await predict([], "--runtime", "fast");
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--runtime must be one of auto, web, native, got 'fast'/);
  const gpu = await predict(["--allow-ffi"], "--runtime", "native", "--backend", "webgpu");
  assert.equal(gpu.code, 2);
  assert.match(
    gpu.stderr,
    /--backend webgpu is onnxruntime-web's; the native runtime runs on the CPU/,
  );
  const checkpoint = join(tmp, "model.safetensors");
  await Deno.writeFile(checkpoint, (await tinyCheckpoint()).bytes);
  const r = await runScript("predict.ts", ["--model", checkpoint, image, "--runtime", "native"]);
  assert.equal(r.code, 2);
  assert.match(
    r.stderr,
    /--runtime native runs exported ONNX models; a checkpoint runs in TensorFlow\.js/,
  );
});
