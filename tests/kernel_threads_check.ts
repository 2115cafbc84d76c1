// Runs the Winograd kernels (forward, input gradient and filter gradient,
// F(2x2) and F(4x4), several chunks of tiles, the shared and the local
// schedules, the strided gradients by
// the kernels' GEMM, a first layer by the direct kernel, its filter gradient
// and its inference batch norm, the exact-tap resize and the channel-broadcast
// product) on the wasm backend with the
// kernel pool limited to 1 thread and then to 2, and prints as JSON how many
// threads the pool had and whether every output was bit for bit the same.
import { env } from "@pointwise/core/lite";
import { initBackend } from "@pointwise/core";
import { setKernelThreads, setWinogradMode, tf, winogradChunkBytes } from "@pointwise/core/tf";

env.threads = Number(Deno.args[0]);
await initBackend("wasm");
const pool = setKernelThreads(64);
// Small chunks: the filter gradient sums over several of them.
winogradChunkBytes.filter = 1 << 16;
winogradChunkBytes.conv = 1 << 16;
winogradChunkBytes.convFilter = 0;

const x = tf.randomNormal([3, 23, 19, 16], 0, 1, "float32", 1);
const w = tf.randomNormal([3, 3, 16, 24], 0, 1, "float32", 2);
const dy = tf.randomNormal([3, 23, 19, 24], 0, 1, "float32", 3);
const conv = { strides: [1, 1], pad: "same", dataFormat: "NHWC", dilations: [1, 1] };
const run = (name: string, inputs: tf.NamedTensorMap, attrs: object) =>
  (tf.engine().runKernel(name, inputs, attrs as tf.NamedAttrMap) as tf.Tensor).dataSync();

/** The Winograd passes, F(2x2) and F(4x4), both schedules. */
function winogradOutputs(): Float32Array[] {
  const out: Float32Array[] = [];
  for (const m of [2, 4] as const) {
    setWinogradMode(m);
    out.push(
      run("Conv2DBackpropFilter", { x, dy }, { ...conv, filterShape: w.shape }) as Float32Array,
    );
    // The forward pass and the input gradient on the shared schedule, then
    // on the local one (blocks of 4 tiles).
    for (const local of [0, 1]) {
      winogradChunkBytes.local = local;
      out.push(run("Conv2D", { x, filter: w }, conv) as Float32Array);
      out.push(
        run("Conv2DBackpropInput", { dy, filter: w }, {
          ...conv,
          inputShape: x.shape,
        }) as Float32Array,
      );
    }
  }
  setWinogradMode("auto");
  return out;
}

const s2 = { ...conv, strides: [2, 2] };

/** Strided: the gradients go by columns, through the kernels' GEMM. */
function stridedOutputs(): Float32Array[] {
  const dy2 = tf.slice(dy, [0, 0, 0, 0], [3, 12, 10, 24]);
  const out = [
    run("Conv2DBackpropInput", { dy: dy2, filter: w }, { ...s2, inputShape: x.shape }),
    run("Conv2DBackpropFilter", { x, dy: dy2 }, { ...s2, filterShape: w.shape }),
  ] as Float32Array[];
  dy2.dispose();
  return out;
}

/**
 * A first layer (7x7, stride 2, on 3 channels) by the direct kernel: forward,
 * filter gradient, and with its inference batch norm.
 */
function firstLayerOutputs(rgb: tf.Tensor): Float32Array[] {
  const stem = tf.randomNormal([7, 7, 3, 16], 0, 1, "float32", 5);
  const dyStem = tf.randomNormal([2, 11, 13, 16], 0, 1, "float32", 6);
  const stats = {
    mean: tf.randomNormal([16], 0, 1, "float32", 8),
    variance: tf.randomUniform([16], 0.5, 2, "float32", 9),
  };
  const out = [
    run("Conv2D", { x: rgb, filter: stem }, { ...s2, pad: 3 }),
    run("Conv2DBackpropFilter", { x: rgb, dy: dyStem }, {
      ...s2,
      pad: 3,
      filterShape: stem.shape,
    }),
    run("PointwiseConvBatchNormInfer", { x: rgb, filter: stem, ...stats }, {
      strides: 2,
      pad: 3,
      dilations: 1,
      varianceEpsilon: 1e-5,
      relu: true,
    }),
  ] as Float32Array[];
  tf.dispose([stem, dyStem, stats.mean, stats.variance]);
  return out;
}

/** The classifier's X+: the half-size resize with the mask factor, and X M+ on a larger batch. */
function maskedOutputs(rgb: tf.Tensor): Float32Array[] {
  const taps = (n: number) => ({
    i0: Int32Array.from({ length: n >> 1 }, (_, p) => 2 * p),
    i1: Int32Array.from({ length: n >> 1 }, (_, p) => Math.min(2 * p + 1, n - 1)),
    frac: Float32Array.from({ length: n >> 1 }, (_, p) => (p % 3) / 3),
  });
  const scale = tf.randomUniform([2, 21, 26, 1], 0, 1, "float32", 7);
  // Large enough to split over the pool.
  const image = tf.randomNormal([2, 128, 128, 3], 0, 1, "float32", 10);
  const mask = tf.randomUniform([2, 128, 128, 1], 0, 1, "float32", 11);
  const out = [
    run("PointwiseResizeExact", { x: rgb, scale }, { rows: taps(21), cols: taps(26) }),
    run("Multiply", { a: image, b: mask }, {}),
  ] as Float32Array[];
  tf.dispose([scale, image, mask]);
  return out;
}

function outputs(): Float32Array[] {
  const rgb = tf.randomNormal([2, 21, 26, 3], 0, 1, "float32", 4);
  const out = [
    ...winogradOutputs(),
    ...stridedOutputs(),
    ...firstLayerOutputs(rgb),
    ...maskedOutputs(rgb),
  ];
  rgb.dispose();
  return out;
}

setKernelThreads(1);
const one = outputs();
setKernelThreads(2);
const two = outputs();
const same = one.every((a, i) =>
  a.length === two[i].length && a.every((v, j) => Object.is(v, two[i][j]))
);
console.log(JSON.stringify({ pool, same, outputs: one.length }));
