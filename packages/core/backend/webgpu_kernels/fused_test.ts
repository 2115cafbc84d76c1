// The fused WGSL kernels against the composed tfjs ops they replace, run on
// the cpu backend (the reference). Both sides call the same functions
// (`BatchNorm2d.applyRelu`, `maskedInputs`, the losses, ...): on webgpu they
// take the fused kernel (`backend/fused.ts`), on cpu the composed ops.
//
// Tolerances (relative L2): the kernels compute in float32 like the
// references, with other summation orders (tree reductions in workgroup
// memory, Welford's variance) and WGSL's exp. Elementwise results and small
// reductions are held to 2e-6 (a few float32 ulps, 1.2e-7 each, through
// sigmoid and softmax; measured at most 1.1e-7), batch norm over hundreds of
// values, whose gradient's centring cancels, to 1e-5 (measured at most
// 2.9e-6). Each test prints its largest error.
import assert from "node:assert/strict";
import { tf } from "../tf.ts";
import { initBackend } from "../backend.ts";
import { onBackend, relErr, tensorFrom } from "../../_testing/mod.ts";
import { requireWebGpu } from "../../_testing/webgpu.ts";
import { hasKernel } from "../fused.ts";
import { maskedInputs, pseudoBinaryMask } from "../../model/pseudo_binary_mask.ts";
import { wildcatHeadPooling } from "../../nn/wildcat_pooling.ts";
import { crossEntropy, crossEntropyPerSample, uniformCrossEntropy } from "../../train/losses.ts";
import { BatchNorm2d } from "../../nn/batch_norm.ts";
import { ParamStore } from "../../nn/module.ts";
import { Sgd } from "../../train/sgd.ts";
import { Rng } from "../../util/rng.ts";
import {
  BATCH_NORM_RELU_TRAIN,
  MASKED_PAIR,
  SOFTMAX_ENTROPY,
  WILDCAT_MAX_CELLS,
  WILDCAT_POOL,
} from "./names.ts";
import { programErrors } from "./gpu_program.ts";

await requireWebGpu();

/** Runs `f` on webgpu (fused) and on cpu (composed); returns both sides' values. */
async function bothWays(
  f: () => tf.Tensor[],
  kernel: string,
): Promise<{ got: Float32Array[]; ref: Float32Array[] }> {
  const got = await onBackend("webgpu", () => {
    assert.ok(hasKernel(kernel), `${kernel} is registered on webgpu`);
    return f();
  });
  const ref = await onBackend("cpu", () => {
    assert.ok(!hasKernel(kernel), `${kernel} is not registered on cpu`);
    return f();
  });
  return { got, ref };
}

/** Holds every output to `tol` and prints the largest error found. */
function close(got: Float32Array[], ref: Float32Array[], names: string[], tol: number): void {
  let worst = 0;
  names.forEach((name, i) => {
    assert.ok(ref[i].some((v) => v !== 0), `${name}: the reference is all zero`);
    const e = relErr(got[i], ref[i]);
    assert.ok(e < tol, `${name}: relative error ${e} >= ${tol}`);
    worst = Math.max(worst, e);
  });
  console.log(`  largest relative error ${worst.toExponential(1)} (tolerance ${tol})`);
}

// Shapes: one chunk and one channel group; several chunks of rows (> 256
// rows) and two channel groups (> 64 channels); a non-multiple of 4 rows.
for (const shape of [[2, 3, 4, 5], [2, 13, 12, 70], [3, 5, 7, 3]] as const) {
  for (const relu of [true, false]) {
    Deno.test(`batch norm${relu ? " + ReLU" : ""} (train) on webgpu matches cpu: x ${shape}`, async () => {
      const c = shape[3];
      const f = () => {
        const store = new ParamStore();
        const bn = new BatchNorm2d(store, "bn", c);
        bn.weight.assign(tensorFrom([c], 2));
        bn.bias.assign(tf.mul(tensorFrom([c], 3), 0.5));
        // An offset far from 0 exercises the variance's centring.
        const x = tf.add(tf.mul(tensorFrom([...shape], 1), 3), 40) as tf.Tensor4D;
        const w = tensorFrom([...shape], 4);
        const ctx = { training: true };
        const apply = (xi: tf.Tensor4D) => relu ? bn.applyRelu(xi, ctx) : bn.apply(xi, ctx);
        const { value, grads } = tf.variableGrads(
          () => tf.sum(tf.mul(apply(x), w)) as tf.Scalar,
          [bn.weight, bn.bias],
        );
        const dx = tf.grad((xi: tf.Tensor) => tf.sum(tf.mul(apply(xi as tf.Tensor4D), w)))(x);
        const y = apply(x);
        const out = [
          y,
          value,
          dx,
          grads[bn.weight.name],
          grads[bn.bias.name],
          bn.runningMean.clone(),
          bn.runningVar.clone(),
        ];
        store.dispose();
        return out;
      };
      // Without ReLU the webgpu side runs the fused kernel registered under the wasm name.
      const { got, ref } = await bothWays(f, BATCH_NORM_RELU_TRAIN);
      close(got, ref, ["y", "loss", "dx", "dgamma", "dbeta", "running mean", "running var"], 1e-5);
    });
  }
}

Deno.test("masked pair on webgpu matches cpu: R+, X+ and X- from the batch min/max", async () => {
  const f = () => {
    // 2 x 37 x 29 = 2146 cells: several workgroups in the min/max pass.
    const m = tf.add(tensorFrom([2, 37, 29, 1], 1), 3) as tf.Tensor4D;
    const x = tensorFrom([2, 37, 29, 3], 2) as tf.Tensor4D;
    const { mask, pos, neg } = maskedInputs(m, x, 8, 0.5);
    return [mask, pos, neg, pseudoBinaryMask(m, 8, 0.5)];
  };
  const { got, ref } = await bothWays(f, MASKED_PAIR);
  close(got, ref, ["R+", "X+", "X-", "R+ alone"], 2e-6);
  // The extremes of M+ map to sigmoid(+-w/2) exactly as the formula says.
  const lo = Math.min(...got[0]);
  assert.ok(Math.abs(lo - 1 / (1 + Math.exp(4))) < 1e-6, `lowest R+ ${lo}`);
});

Deno.test("masked pair on webgpu: a constant M+ gives R+ = sigmoid(-w sigma), not NaN", async () => {
  const [mask] = await onBackend("webgpu", () => {
    const { mask, pos, neg } = maskedInputs(
      tf.fill([1, 4, 4, 1], 0.3) as tf.Tensor4D,
      tf.ones([1, 4, 4, 3]) as tf.Tensor4D,
      8,
      0.5,
    );
    return [mask, pos, neg];
  });
  for (const v of mask) assert.ok(Math.abs(v - 1 / (1 + Math.exp(4))) < 1e-7);
});

Deno.test("entropy losses on webgpu match cpu: values and gradients of L_seg/L_pos and L_neg", async () => {
  const labels = [0, 2, 1, 1, 0, 2, 2];
  const f = () => {
    const z = tf.mul(tensorFrom([7, 3], 1), 3) as tf.Tensor2D;
    const w = tensorFrom([7], 3);
    const grad = (loss: (zi: tf.Tensor2D) => tf.Tensor) =>
      tf.grad((zi: tf.Tensor) => loss(zi as tf.Tensor2D))(z);
    return [
      crossEntropy(z, labels),
      grad((zi) => crossEntropy(zi, labels)),
      uniformCrossEntropy(z),
      grad((zi) => uniformCrossEntropy(zi)),
      crossEntropyPerSample(z, labels),
      grad((zi) => tf.sum(tf.mul(crossEntropyPerSample(zi, labels), w))),
    ];
  };
  const { got, ref } = await bothWays(f, SOFTMAX_ENTROPY);
  close(got, ref, ["CE", "dCE", "uniform CE", "d uniform", "per sample", "d per sample"], 2e-6);
});

Deno.test("entropy losses on webgpu reject labels that are not class indices", async () => {
  await initBackend("webgpu");
  const z = tf.zeros([2, 3]) as tf.Tensor2D;
  assert.throws(() => crossEntropy(z, [0, 3]), /label 3 is not a class index below 3/);
  assert.throws(() => crossEntropy(z, [0]), /got 1 labels for a batch of 2/);
  z.dispose();
});

interface PoolCase {
  shape: [number, number, number, number];
  kmax: number;
  dropout: number;
  /** Values on a coarse grid, so that cells tie. */
  ties?: boolean;
}
const POOL_CASES: PoolCase[] = [
  { shape: [2, 4, 3, 6], kmax: 0.2, dropout: 0 },
  { shape: [2, 4, 3, 6], kmax: 0.3, dropout: 0.5 },
  { shape: [2, 4, 3, 6], kmax: 1, dropout: 0.5 }, // every cell: dropout by cell
  { shape: [3, 15, 15, 10], kmax: 0.09, dropout: 0.75 }, // the reference's 480 crop
  { shape: [2, 5, 6, 4], kmax: 0.3, dropout: 0, ties: true },
];
for (const c of POOL_CASES) {
  Deno.test(`WILDCAT pooling on webgpu matches cpu: ${c.shape}, kmax ${c.kmax}, dropout ${c.dropout}${c.ties ? ", ties" : ""}`, async () => {
    const classes = c.shape[3] / 2;
    const f = () => {
      let x = tensorFrom(c.shape, 1) as tf.Tensor4D;
      if (c.ties) x = tf.round(x);
      const [n, h, w] = c.shape;
      const wS = tensorFrom([n, classes], 5);
      const wM = tensorFrom([n, h, w, classes], 6);
      const run = (xi: tf.Tensor) =>
        wildcatHeadPooling(xi as tf.Tensor4D, classes, 2, c, { training: true, rng: new Rng(4) });
      const out = run(x);
      const dx = tf.grad((xi: tf.Tensor) => {
        const r = run(xi);
        return tf.add(tf.sum(tf.mul(r.scores, wS)), tf.sum(tf.mul(r.maps, wM)));
      })(x);
      return [out.scores, out.maps, dx];
    };
    const { got, ref } = await bothWays(f, WILDCAT_POOL);
    close(got, ref, ["scores", "class maps", "d modality maps"], 2e-6);
  });
}

Deno.test("WILDCAT pooling on webgpu falls back to the composed ops past its map size", async () => {
  await initBackend("webgpu");
  const side = Math.ceil(Math.sqrt(WILDCAT_MAX_CELLS)) + 1;
  const x = tensorFrom([1, side, side, 2], 1) as tf.Tensor4D;
  const got = wildcatHeadPooling(x, 1, 2, { kmax: 0.1, dropout: 0 }, { training: false });
  const maps = tf.mean(x, -1);
  const k = Math.round(0.1 * side * side);
  const top = tf.topk(tf.reshape(maps, [1, -1]), k).values;
  assert.ok(relErr(await got.scores.data(), await tf.mean(top, -1).data()) < 1e-6);
  tf.dispose([x, got.scores, got.maps, maps, top]);
});

for (const nesterov of [true, false]) {
  Deno.test(`SGD step on webgpu matches cpu (momentum 0.9, Nesterov ${nesterov})`, async () => {
    const f = () => {
      const p = tf.variable(tensorFrom([3, 3, 4, 5], 1));
      const opt = new Sgd(new Map([["w", p]]), {
        lr: 0.1,
        momentum: 0.9,
        nesterov,
        weightDecay: 1e-2,
      });
      for (let s = 0; s < 3; s++) opt.step(new Map([["w", tensorFrom([3, 3, 4, 5], 10 + s)]]));
      const out = p.clone();
      opt.dispose();
      p.dispose();
      return [out];
    };
    const { got, ref } = await bothWays(f, "PointwiseSgdUpdate");
    close(got, ref, ["parameter after 3 steps"], 2e-6);
  });
}

Deno.test("masked pair's gradient on webgpu: X+ and X- pass R+ and 1 - R+ back to X, M+ none", async () => {
  const f = () => {
    const m = tensorFrom([2, 5, 6, 1], 1) as tf.Tensor4D;
    const x = tensorFrom([2, 5, 6, 3], 2) as tf.Tensor4D;
    const [wp, wn] = [tensorFrom([2, 5, 6, 3], 3), tensorFrom([2, 5, 6, 3], 4)];
    const [dm, dx] = tf.grads((mi: tf.Tensor, xi: tf.Tensor) => {
      const { pos, neg } = maskedInputs(mi as tf.Tensor4D, xi as tf.Tensor4D, 8, 0.5);
      return tf.add(tf.sum(tf.mul(pos, wp)), tf.sum(tf.mul(neg, wn)));
    })([m, x]);
    const mask = pseudoBinaryMask(m, 8, 0.5);
    return [dm, dx, tf.add(tf.mul(wp, mask), tf.mul(wn, tf.sub(1, mask)))];
  };
  const [dm, dx, expected] = await onBackend("webgpu", f);
  assert.ok(dm.every((v) => v === 0));
  assert.ok(relErr(dx, expected) < 1e-7);
});

Deno.test("fused ops on webgpu leave no tensor behind", async () => {
  await initBackend("webgpu");
  const store = new ParamStore();
  const bn = new BatchNorm2d(store, "bn", 4);
  const x = tensorFrom([2, 3, 3, 4], 1) as tf.Tensor4D;
  const step = () => {
    const rng = new Rng(1);
    const { value, grads } = tf.variableGrads(() => {
      const y = bn.applyRelu(x, { training: true });
      const { scores } = wildcatHeadPooling(y, 2, 2, { kmax: 0.3, dropout: 0.5 }, {
        training: true,
        rng,
      });
      const { pos, neg } = maskedInputs(tf.sum(y, -1, true) as tf.Tensor4D, y, 8, 0.5);
      return tf.addN([
        crossEntropy(scores, [0, 1]),
        uniformCrossEntropy(scores),
        tf.mean(crossEntropyPerSample(scores, [1, 0])),
        tf.mul(tf.sum(pos), 0),
        tf.mul(tf.sum(neg), 0),
      ]) as tf.Scalar;
    }, [bn.weight, bn.bias]);
    tf.dispose([value, ...Object.values(grads)]);
  };
  step();
  const before = tf.memory().numTensors;
  step();
  assert.equal(tf.memory().numTensors, before);
  tf.dispose(x);
  store.dispose();
});

Deno.test("every WGSL program built in this file compiled and validated", async () => {
  assert.deepEqual(await programErrors(), []);
});
