import assert from "node:assert/strict";
import { tf } from "../backend/tf.ts";
import { initBackend } from "../backend/backend.ts";
import { PRESETS } from "../config/presets.ts";
import { withOverrides } from "../config/validate_config.ts";
import type { BackboneGrad } from "../config/options.ts";
import { buildMinMaxNet } from "../model/build.ts";
import type { MinMaxNet } from "../model/minmax_net.ts";
import { isBackboneParameter } from "../io/import_weights.ts";
import { relErr } from "../_testing/mod.ts";
import { Rng } from "../util/rng.ts";
import { gradsOf } from "./grads.ts";
import { crossEntropy, uniformCrossEntropy } from "./losses.ts";
import type { Sgd } from "./sgd.ts";
import { trainStep } from "./train_step.ts";

// No dropout: every pass is then deterministic, and a step's gradient can be
// recomputed term by term.
const config = withOverrides(PRESETS.cpu, { width: 0.0625, modalities: 2, dropout: 0 });
const labels = [0, 1, 1, 0];

async function setup() {
  await initBackend("wasm");
  const net = buildMinMaxNet(config, ["a", "b"], new Rng(5));
  const x = tf.randomUniform([4, 64, 64, 3], -1, 1, "float32", 6) as tf.Tensor4D;
  return { net, x };
}

/** An optimiser that records the gradients it is given instead of stepping. */
function recorder(): { opt: Sgd; grads: Map<string, Float32Array> } {
  const grads = new Map<string, Float32Array>();
  const opt = {
    step(g: Map<string, tf.Tensor>) {
      for (const [n, t] of g) grads.set(n, Float32Array.from(t.dataSync()));
    },
  } as unknown as Sgd;
  return { opt, grads };
}

async function gradsBy(net: MinMaxNet, f: () => tf.Scalar): Promise<Map<string, Float32Array>> {
  const { loss, grads } = gradsOf(net, f);
  const out = new Map<string, Float32Array>();
  for (const [n, t] of grads) out.set(n, Float32Array.from(await t.data()));
  tf.dispose([loss, ...grads.values()]);
  return out;
}

const backbone = (names: Iterable<string>) => [...names].filter(isBackboneParameter);

Deno.test("L_neg through a classifier pass cut from the backbone trains cl32 only", async () => {
  const { net, x } = await setup();
  const ctx = { training: true };
  for (const link of ["full", "no-grad", "isolated"] as const) {
    const toBackbone = link === "full";
    const g = await gradsBy(net, () => uniformCrossEntropy(net.classify(x, ctx, link).scores));
    const reached = backbone(g.keys()).filter((n) => g.get(n)!.some((v) => v !== 0));
    if (toBackbone) assert.ok(reached.length > 10, "L_neg reaches the backbone when allowed");
    else assert.deepEqual(reached, [], "no backbone weight gets a gradient from L_neg");
    assert.ok(g.get("cl32.to_modalities.weight")!.some((v) => v !== 0), "cl32 learns from L_neg");
  }
  tf.dispose(x);
  net.dispose();
});

for (const grad of ["pos-neg", "pos", "none", "isolated"] as BackboneGrad[]) {
  Deno.test(`a step with backboneGrad ${grad} gives the backbone exactly the allowed terms`, async () => {
    const { net, x } = await setup();
    const ctx = { training: true };
    // The expected backbone gradient: L_seg plus the terms allowed in, each
    // recomputed from the same (detached) mask.
    const expected = await gradsBy(net, () => {
      const out = net.forward(x, ctx);
      const terms = [crossEntropy(out.scoresSeg, labels)];
      if (grad === "pos-neg" || grad === "pos") terms.push(crossEntropy(out.scoresPos, labels));
      if (grad === "pos-neg") terms.push(uniformCrossEntropy(out.scoresNeg));
      return tf.addN(terms) as tf.Scalar;
    });
    const { opt, grads } = recorder();
    await trainStep(net, opt, { x, labels }, {
      erase: false,
      eraseTimes: 0,
      sigmaErase: 10,
      rng: new Rng(0),
      backboneGrad: grad,
    });
    for (const n of backbone(expected.keys())) {
      const err = relErr(grads.get(n)!, expected.get(n)!);
      assert.ok(err < 1e-4, `${n}: relative error ${err}`);
    }
    // cl32 always learns from both classifier terms.
    assert.ok(grads.get("cl32.to_modalities.weight")!.some((v) => v !== 0));
    tf.dispose(x);
    net.dispose();
  });
}

Deno.test("a localizer warm-up step trains L_seg alone: no classifier, no erasing", async () => {
  const { net, x } = await setup();
  const expected = await gradsBy(
    net,
    () => crossEntropy(net.segment(x, { training: true }).scores, labels),
  );
  const { opt, grads } = recorder();
  const r = await trainStep(net, opt, { x, labels }, {
    erase: true,
    eraseTimes: 3,
    sigmaErase: 10,
    rng: new Rng(0),
    localizerOnly: true,
  });
  assert.deepEqual([r.passes, r.pos, r.neg], [1, 0, 0]);
  assert.equal(grads.has("cl32.to_modalities.weight"), false);
  assert.deepEqual([...grads.keys()].sort(), [...expected.keys()].sort());
  for (const [n, g] of expected) assert.ok(relErr(grads.get(n)!, g) < 1e-4, n);
  tf.dispose(x);
  net.dispose();
});

Deno.test("isolated classifier passes leave BatchNorm's running statistics to the localizer", async () => {
  // Running statistics after a step: with isolated passes, exactly those of
  // a localizer-only step; with the reference's, different.
  const stats = async (o: { localizerOnly?: boolean; backboneGrad?: BackboneGrad }) => {
    const { net, x } = await setup();
    const { opt } = recorder();
    await trainStep(net, opt, { x, labels }, {
      erase: false,
      eraseTimes: 0,
      sigmaErase: 10,
      rng: new Rng(0),
      ...o,
    });
    const names = net.store.names().filter((n) => /running_(mean|var)$/.test(n));
    const out = await Promise.all(
      names.map(async (n) => Array.from(await net.store.get(n).data())),
    );
    tf.dispose(x);
    net.dispose();
    return out;
  };
  const alone = await stats({ localizerOnly: true });
  assert.deepEqual(await stats({ backboneGrad: "isolated" }), alone);
  assert.notDeepEqual(await stats({ backboneGrad: "none" }), alone);
});
