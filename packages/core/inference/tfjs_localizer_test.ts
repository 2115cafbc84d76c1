import assert from "node:assert/strict";
import { tf } from "../backend/tf.ts";
import { initBackend } from "../backend/backend.ts";
import { PRESETS } from "../config/presets.ts";
import { withOverrides } from "../config/validate_config.ts";
import { decodeCheckpoint, encodeCheckpoint } from "../io/checkpoint.ts";
import { Rng } from "../util/rng.ts";
import { restoreMapSize, scaleImage } from "../data/rescale.ts";
import { buildMinMaxNet, buildModel } from "../model/build.ts";
import { imageMap } from "../model/class_maps.ts";
import { cropBack } from "../data/padding.ts";
import { TfjsLocalizer } from "./tfjs_localizer.ts";

const load = async (bytes: Uint8Array, name: string) =>
  await Promise.resolve(TfjsLocalizer.fromCheckpoint(decodeCheckpoint(bytes, name)));

const config = withOverrides(PRESETS.cpu, { width: 0.0625, modalities: 2 });

function image(w: number, h: number, seed: number) {
  const r = new Rng(seed);
  return { width: w, height: h, data: Uint8Array.from({ length: w * h * 3 }, () => r.int(256)) };
}

Deno.test("predict: class, probabilities and a mask at image size for odd, non-square images", async () => {
  await initBackend("wasm");
  const localizer = new TfjsLocalizer(
    buildMinMaxNet(config, ["a", "b"], new Rng(0)),
    ["a", "b"],
    config,
  );
  const p = await localizer.predict(image(75, 41, 1));
  assert.equal(p.width, 75);
  assert.equal(p.height, 41);
  assert.equal(p.mask.length, 75 * 41);
  assert.equal(p.binary.length, 75 * 41);
  assert.ok(Math.abs(p.probabilities[0] + p.probabilities[1] - 1) < 1e-5);
  assert.equal(p.className, ["a", "b"][p.classIndex]);
  const area = p.binary.reduce((s, v) => s + v, 0) / p.binary.length;
  assert.ok(Math.abs(area - p.maskArea) < 1e-12);
  assert.ok(p.binary.every((v, i) => v === (p.mask[i] >= 0.5 ? 1 : 0)));
  localizer.dispose();
});

Deno.test("predict and load leak no tensors, and a loaded checkpoint predicts identically", async () => {
  await initBackend("wasm");
  const net = buildMinMaxNet(config, ["a", "b", "c"], new Rng(3));
  const weights = await net.store.read();
  const original = new TfjsLocalizer(net, ["a", "b", "c"], config);
  const img = image(50, 37, 2);
  const first = await original.predict(img);
  const before = tf.memory().numTensors;
  for (let i = 0; i < 3; i++) await original.predict(img);
  assert.equal(tf.memory().numTensors, before, "tensor count grew across predict calls");
  const loaded = await load(
    encodeCheckpoint({ config, classes: ["a", "b", "c"], weights }),
    "test.safetensors",
  );
  const again = await loaded.predict(img);
  assert.deepEqual(again.probabilities, first.probabilities);
  assert.deepEqual(again.mask, first.mask);
  const count = tf.memory().numTensors;
  loaded.dispose();
  assert.ok(tf.memory().numTensors < count, "dispose frees the weights");
  original.dispose();
});

Deno.test("predict: one localizer's images, of one size and of another, each as if alone", async () => {
  // The padded input array is reused from call to call: nothing of one image
  // may reach the next, on the cpu backend (which keeps a tensor's array)
  // and on wasm (which copies it), concurrent calls included.
  for (const backend of ["cpu", "wasm"] as const) {
    await initBackend(backend);
    const net = () => buildMinMaxNet(config, ["a", "b"], new Rng(4));
    const shared = new TfjsLocalizer(net(), ["a", "b"], config);
    const images = [image(40, 33, 5), image(40, 33, 6), image(29, 50, 7), image(40, 33, 8)];
    const together = await Promise.all(images.map((img) => shared.predict(img)));
    const inTurn = [];
    for (const img of images) inTurn.push(await shared.predict(img));
    for (const [i, img] of images.entries()) {
      const alone = new TfjsLocalizer(net(), ["a", "b"], config);
      const want = await alone.predict(img);
      alone.dispose();
      for (const got of [together[i], inTurn[i]]) {
        assert.deepEqual(got.mask, want.mask, `${backend}, image ${i}`);
        assert.deepEqual(got.probabilities, want.probabilities, `${backend}, image ${i}`);
      }
    }
    shared.dispose();
  }
  await initBackend("wasm");
});

Deno.test("load rejects weights that do not fit the architecture, listing every problem", async () => {
  await initBackend("wasm");
  const net = buildMinMaxNet(config, ["a", "b"], new Rng(0));
  const weights = await net.store.read();
  net.dispose();
  weights.delete("conv1.weight");
  weights.set("extra.weight", { shape: [1], data: new Float32Array(1) });
  const w = weights.get("cl32.to_modalities.bias")!;
  weights.set("cl32.to_modalities.bias", {
    shape: [w.shape[0] + 1],
    data: new Float32Array(w.shape[0] + 1),
  });
  const before = tf.memory().numTensors;
  await assert.rejects(
    load(encodeCheckpoint({ config, classes: ["a", "b"], weights }), "bad.safetensors"),
    /bad\.safetensors: .*1 missing \(conv1\.weight\); 1 unexpected \(extra\.weight\); 1 of another shape \(cl32\.to_modalities\.bias is \[5\], the model's \[4\]\)/,
  );
  assert.equal(tf.memory().numTensors, before, "a failed load frees what it built");
});

Deno.test("with resize 0.5 the model sees the half-size image and the mask comes back full size", async () => {
  await initBackend("wasm");
  const net = buildMinMaxNet(config, ["a", "b"], new Rng(4));
  const weights = await net.store.read();
  const plain = new TfjsLocalizer(net, ["a", "b"], config);
  const halved = await load(
    encodeCheckpoint({ config: { ...config, resize: 0.5 }, classes: ["a", "b"], weights }),
    "half.safetensors",
  );
  const img = image(83, 58, 5);
  const small = scaleImage(img, 0.5);
  const p = await halved.predict(img);
  const q = await plain.predict(small);
  assert.deepEqual([p.width, p.height, p.mask.length], [83, 58, 83 * 58]);
  assert.deepEqual(p.probabilities, q.probabilities);
  assert.deepEqual(p.mask, restoreMapSize(q.mask, small.width, small.height, 83, 58));
  plain.dispose();
  halved.dispose();
});

Deno.test("classMaps: the padded image's class maps, from which R+ is predict's mask; none for CAM", async () => {
  await initBackend("wasm");
  const localizer = new TfjsLocalizer(
    buildMinMaxNet(config, ["a", "b", "c"], new Rng(5)),
    ["a", "b", "c"],
    config,
  );
  const img = image(75, 41, 6);
  const s = config.outputStride;
  await localizer.classMaps!(img);
  const before = tf.memory().numTensors;
  const cm = await localizer.classMaps!(img);
  assert.equal(tf.memory().numTensors, before, "classMaps leaks no tensor");
  assert.deepEqual(
    [cm.classes, cm.height, cm.width, cm.stride, cm.inputHeight, cm.inputWidth],
    [3, 64 / s, 96 / s, s, 64, 96],
  );
  assert.equal(cm.maps.length, 3 * (64 / s) * (96 / s));
  const p = await localizer.predict(img);
  const r = cropBack(imageMap(cm).map, cm.inputHeight, cm.inputWidth, 41, 75);
  const d = Math.max(...r.map((v, i) => Math.abs(v - p.mask[i])));
  assert.ok(d < 2e-6, `R+ from the class maps differs from predict's by ${d}`);
  localizer.dispose();
  const camConfig = { ...config, method: "cam" as const };
  const camNet = buildModel(camConfig, ["a", "b"], new Rng(0));
  const cam = TfjsLocalizer.fromCheckpoint({
    config: camConfig,
    classes: ["a", "b"],
    weights: await camNet.store.read(),
  });
  camNet.dispose();
  assert.equal(cam.classMaps, undefined);
  cam.dispose();
  // A model trained at another input scale sees a rescaled image: no class
  // maps at the image's own scale, so none are offered.
  const resized = new TfjsLocalizer(
    buildMinMaxNet(config, ["a", "b"], new Rng(5)),
    ["a", "b"],
    { ...config, resize: 0.5 },
  );
  assert.equal(resized.classMaps, undefined);
  resized.dispose();
});
