// The PyTorch fixture (tasks/reference_fixture.py): a tiny deep-stem
// ResNet-50 with both WILDCAT heads, built as the reference builds it, with
// random weights and BatchNorm statistics. Pointwise imports its state_dict
// and must reproduce its eval-mode outputs.
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import {
  decodeSafetensors,
  exportReferenceWeights,
  importWeights,
  inferArchitecture,
  REFERENCE_NAMING,
} from "@pointwise/core/io";
import { initBackend, Rng } from "@pointwise/core";
import { MinMaxNet } from "@pointwise/core/model";
import { PRESETS, withOverrides } from "@pointwise/core/lite";
import { tf } from "@pointwise/core/tf";

const fixture = async (name: string) =>
  decodeSafetensors(
    await Deno.readFile(fileURLToPath(new URL(`fixtures/${name}`, import.meta.url))),
    name,
  );

/** The fixture input of size (h, w), NHWC, computed as fixture_input() in the script. */
function fixtureInput(h: number, w: number): tf.Tensor4D {
  const data = new Float32Array(h * w * 3);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      for (let c = 0; c < 3; c++) {
        data[(y * w + x) * 3 + c] = Math.sin(0.7 * c + 0.13 * y) * Math.cos(0.29 * x - 0.5 * c) +
          0.1 * Math.sin(0.05 * x * y);
      }
    }
  }
  return tf.tensor4d(data, [1, h, w, 3]);
}

/** The fixture's network: deep-stem ResNet-50, 2 classes x 5 modalities, reference settings. */
function fixtureNet(width: number): MinMaxNet {
  const c = withOverrides(PRESETS.reference, { width });
  return new MinMaxNet({
    arch: "resnet50",
    deepStem: true,
    width,
    classes: 2,
    modalities: 5,
    kmax: c.kmax,
    dropout: c.dropout,
    maskW: c.maskW,
    maskSigma: c.maskSigma,
    classifierScale: c.classifierScale,
    maskUpsample: c.maskUpsample,
    outputStride: c.outputStride,
  }, new Rng(1));
}

const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
};

Deno.test("a reference PyTorch state_dict imports and reproduces PyTorch's outputs to 1e-4", async () => {
  await initBackend("wasm");
  const weights = await fixture("reference_tiny.safetensors");
  const expected = await fixture("reference_tiny_outputs.safetensors");
  const arch = inferArchitecture(weights.tensors, "reference_tiny.safetensors");
  assert.deepEqual(arch, { arch: "resnet50", deepStem: true, width: 1 / 16, headChannels: 10 });
  const net = fixtureNet(arch.width);
  const { values, settings, report } = importWeights(weights, REFERENCE_NAMING, net.store, {
    fileName: "reference_tiny.safetensors",
  });
  assert.equal(report.loaded.length, net.store.names().length);
  assert.ok(
    report.skipped.every((n) => n.endsWith("num_batches_tracked")) && report.skipped.length > 0,
  );
  assert.deepEqual(settings, { maskW: 8, maskSigma: 0.5 });
  net.store.assign(values);

  const sizes = JSON.parse(expected.metadata.sizes) as [number, number][];
  const diffs: Record<string, number> = {};
  for (const [i, [h, w]] of sizes.entries()) {
    const x = fixtureInput(h, w);
    const out = net.infer(x);
    diffs[`scores_seg_${i}`] = maxDiff(
      await out.scoresSeg.data(),
      expected.tensors.get(`scores_seg_${i}`)!.data,
    );
    diffs[`scores_pos_${i}`] = maxDiff(
      await out.scoresPos.data(),
      expected.tensors.get(`scores_pos_${i}`)!.data,
    );
    diffs[`mask_${i}`] = maxDiff(await out.mask.data(), expected.tensors.get(`mask_${i}`)!.data);
    tf.dispose([x, out.scoresSeg, out.scoresPos, out.mask]);
  }
  console.log("largest differences from PyTorch:", JSON.stringify(diffs));
  for (const [k, d] of Object.entries(diffs)) assert.ok(d < 1e-4, `${k}: ${d}`);
  net.dispose();
});

Deno.test("exporting the imported weights gives back the PyTorch tensors exactly", async () => {
  await initBackend("wasm");
  const weights = await fixture("reference_tiny.safetensors");
  const config = withOverrides(PRESETS.reference, { width: 1 / 16 });
  const net = fixtureNet(1 / 16);
  const imported = importWeights(weights, REFERENCE_NAMING, net.store, { fileName: "fixture" });
  net.store.assign(imported.values);
  const exported = decodeSafetensors(
    exportReferenceWeights({ config, classes: ["a", "b"], weights: await net.store.read() }),
    "export.safetensors",
  );
  for (const [name, t] of weights.tensors) {
    assert.deepEqual(exported.tensors.get(name), t, `${name} changed in the round trip`);
  }
  assert.deepEqual([...exported.tensors.keys()].sort(), [...weights.tensors.keys()].sort());
  assert.equal(exported.metadata.format, "pointwise-reference-weights");
  assert.deepEqual(JSON.parse(exported.metadata.config), config);
  // And back in: the same values as the first import.
  const again = importWeights(exported, REFERENCE_NAMING, net.store, { fileName: "export" });
  assert.deepEqual(again.values, imported.values);
  net.dispose();
});
