/**
 * Per-layer convolution timings for `deno task bench --only layers`: the
 * forward Conv2D and both gradient kernels on each distinct ResNet-18 layer
 * shape at batch 8 (224x224 input), medians on the active backend. This is
 * where the training kernels in `packages/core/backend/wasm_kernels` are
 * compared with the forward convolution they are bounded by.
 *
 * @example
 * ```ts ignore
 * await benchLayers(5);
 * ```
 * @module
 */
import { tf } from "@pointwise/core/tf";

/** [map size, in channels, out channels, kernel, stride] of the layers timed. */
export const RESNET18_LAYERS: readonly [number, number, number, number, number][] = [
  [56, 64, 64, 3, 1],
  [56, 64, 128, 3, 2],
  [56, 64, 128, 1, 2],
  [28, 128, 128, 3, 1],
  [28, 128, 256, 3, 2],
  [14, 256, 256, 3, 1],
  [14, 256, 512, 3, 2],
  [7, 512, 512, 3, 1],
];

function medianMs(f: () => tf.Tensor, runs: number): number {
  f().dispose();
  const t: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const r = f();
    r.dataSync();
    r.dispose();
    t.push(performance.now() - t0);
  }
  t.sort((a, b) => a - b);
  return t[t.length >> 1];
}

/** Prints forward, input-gradient and filter-gradient times per layer shape. */
export function benchLayers(runs: number, batch = 8): void {
  const run = (name: string, inputs: tf.NamedTensorMap, attrs: object) =>
    tf.engine().runKernel(name, inputs, attrs as tf.NamedAttrMap) as tf.Tensor;
  console.log(`\nconvolution kernels per layer, batch ${batch}, median of ${runs} (ms, GFLOP/s):`);
  console.log(
    `  ${"layer".padEnd(24)}${"Conv2D".padStart(16)}${"BackpropInput".padStart(16)}${
      "BackpropFilter".padStart(16)
    }`,
  );
  const totals = [0, 0, 0];
  for (const [size, cin, cout, k, s] of RESNET18_LAYERS) {
    const p = (k - 1) >> 1;
    const pad = [[0, 0], [p, p], [p, p], [0, 0]];
    const x = tf.randomUniform([batch, size, size, cin], -1, 1, "float32", 1);
    const w = tf.randomUniform([k, k, cin, cout], -1, 1, "float32", 2);
    const conv = { strides: [s, s], pad, dataFormat: "NHWC", dilations: [1, 1] };
    const y = run("Conv2D", { x, filter: w }, conv);
    const dy = tf.randomUniform(y.shape, -1, 1, "float32", 3);
    const flops = 2 * batch * y.shape[1]! * y.shape[2]! * cout * cin * k * k;
    const times = [
      medianMs(() => run("Conv2D", { x, filter: w }, conv), runs),
      medianMs(() =>
        run("Conv2DBackpropInput", { dy, filter: w }, {
          strides: [s, s],
          pad,
          dataFormat: "NHWC",
          inputShape: x.shape,
        }), runs),
      medianMs(() =>
        run("Conv2DBackpropFilter", { x, dy }, {
          strides: [s, s],
          pad,
          dataFormat: "NHWC",
          filterShape: w.shape,
        }), runs),
    ];
    times.forEach((t, i) => totals[i] += t);
    const cell = (t: number) =>
      `${t.toFixed(1).padStart(7)} ${(flops / t / 1e6).toFixed(1).padStart(6)}  `;
    console.log(
      `  ${`${size}x${size} ${cin}->${cout} k${k} s${s}`.padEnd(24)}${times.map(cell).join("")}`,
    );
    tf.dispose([x, w, y, dy]);
  }
  console.log(
    `  ${"total".padEnd(24)}${totals.map((t) => `${t.toFixed(1).padStart(7)}         `).join("")}`,
  );
}
