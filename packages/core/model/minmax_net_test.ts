import assert from "node:assert/strict";
import { tf } from "../backend/tf.ts";
import { initBackend } from "../backend/backend.ts";
import { Rng } from "../util/rng.ts";
import { tinyNetOptions } from "../_testing/mod.ts";
import { crossEntropy, uniformCrossEntropy } from "../train/losses.ts";
import { type Arch, MinMaxNet, type NetOptions } from "./minmax_net.ts";

const tiny = (arch: Arch, deepStem = false): NetOptions =>
  tinyNetOptions({ arch, deepStem, width: 0.0625, classes: 3 });

for (
  const [arch, deep, out] of [["resnet18", false, 32], ["resnet34", true, 32], [
    "resnet50",
    false,
    128,
  ], ["resnet101", true, 128]] as const
) {
  Deno.test(`${arch}${deep ? " (deep stem)" : ""}: shapes, stride 32 and reference parameter names`, async () => {
    await initBackend("wasm");
    const net = new MinMaxNet(tiny(arch, deep), new Rng(0));
    assert.equal(net.backbone.outChannels, out);
    const names = net.store.names();
    assert.ok(names.includes("conv1.weight") && names.includes("bn1.running_var"));
    assert.equal(names.includes("conv3.weight"), deep, "the deep stem has conv1..conv3");
    assert.ok(
      names.includes("layer2.0.downsample.0.weight") &&
        names.includes("layer2.0.downsample.1.weight"),
    );
    assert.ok(names.includes("layer4.1.bn2.bias"));
    assert.ok(
      names.includes("headseg.to_modalities.bias") && names.includes("cl32.to_modalities.weight"),
    );
    assert.deepEqual(net.store.get("headseg.to_modalities.weight").shape, [1, 1, out, 6]);
    const x = tf.randomUniform([2, 96, 64, 3], -1, 1) as tf.Tensor4D;
    const f = net.backbone.apply(x, { training: false });
    assert.deepEqual(f.shape, [2, 3, 2, out]);
    const o = net.forward(x, { training: true });
    assert.deepEqual(o.scoresSeg.shape, [2, 3]);
    assert.deepEqual(o.scoresPos.shape, [2, 3]);
    assert.deepEqual(o.scoresNeg.shape, [2, 3]);
    assert.deepEqual(o.mask.shape, [2, 96, 64, 1]);
    const m = await o.mask.data();
    assert.ok(m.every((v) => v >= 0.0179 && v <= 0.9821));
    tf.dispose([x, f, o.scoresSeg, o.scoresPos, o.scoresNeg, o.mask]);
    net.dispose();
  });
}

Deno.test("gradients flow as in the reference: headseg from L_seg only, cl32 from L_pos + L_neg only", async () => {
  await initBackend("wasm");
  const net = new MinMaxNet(tiny("resnet18"), new Rng(1));
  const x = tf.randomUniform([2, 64, 64, 3], -1, 1, "float32", 3) as tf.Tensor4D;
  const y = [0, 2];
  const names = net.store.trainableNames();
  const vars = names.map((n) => net.store.get(n));
  const has = (grads: tf.NamedTensorMap, prefix: string) =>
    names.some((n, i) => n.startsWith(prefix) && grads[vars[i].name] !== undefined);
  const seg = tf.variableGrads(
    () => crossEntropy(net.segment(x, { training: true }).scores, y),
    vars,
  );
  assert.ok(has(seg.grads, "headseg.") && has(seg.grads, "layer4.") && !has(seg.grads, "cl32."));
  const cls = tf.variableGrads(() => {
    const o = net.forward(x, { training: true });
    return tf.add(crossEntropy(o.scoresPos, y), uniformCrossEntropy(o.scoresNeg)) as tf.Scalar;
  }, vars);
  // The mask is detached: the X+/X- losses never reach the localizer head.
  assert.ok(has(cls.grads, "cl32.") && has(cls.grads, "layer4.") && !has(cls.grads, "headseg."));
  tf.dispose([x, seg.value, cls.value, ...Object.values(seg.grads), ...Object.values(cls.grads)]);
  net.dispose();
});

Deno.test("infer() gives forward()'s eval-mode classifier scores and mask", async () => {
  await initBackend("wasm");
  const net = new MinMaxNet(tiny("resnet18"), new Rng(2));
  const x = tf.randomUniform([1, 64, 96, 3], -1, 1, "float32", 5) as tf.Tensor4D;
  const a = net.forward(x, { training: false });
  const b = net.infer(x);
  assert.deepEqual(Array.from(await b.scoresPos.data()), Array.from(await a.scoresPos.data()));
  assert.deepEqual(Array.from(await b.mask.data()), Array.from(await a.mask.data()));
  tf.dispose([x, a.scoresSeg, a.scoresPos, a.scoresNeg, a.mask, b.scoresPos, b.scoresSeg, b.mask]);
  net.dispose();
});
