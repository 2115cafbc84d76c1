/**
 * Per-layer convolution timings for `deno task bench --only layers`: the
 * forward Conv2D and both gradient kernels on each distinct ResNet-18 layer
 * shape at batch 8 (224x224 input), medians on the active backend, each
 * beside the direct path (Winograd off, timed interleaved with it). This is
 * where the training kernels in `packages/core/backend/wasm_kernels` are
 * compared with each other and with the forward convolution.
 *
 * @example
 * ```ts ignore
 * await benchLayers(5);
 * ```
 * @module
 */
import { setWinogradMode, tf, winogradTile } from "@pointwise/core/tf";

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

/** Medians of `f` with Winograd chosen by shape and off, runs interleaved. */
function medianMs(f: () => tf.Tensor, runs: number): { ours: number; direct: number } {
  const times = { ours: [] as number[], direct: [] as number[] };
  for (let i = 0; i <= runs; i++) {
    for (const which of ["ours", "direct"] as const) {
      const previous = setWinogradMode(which === "ours" ? "auto" : "off");
      try {
        const t0 = performance.now();
        const r = f();
        r.dataSync();
        r.dispose();
        if (i > 0) times[which].push(performance.now() - t0);
      } finally {
        setWinogradMode(previous);
      }
    }
  }
  const median = (t: number[]) => t.sort((a, b) => a - b)[t.length >> 1];
  return { ours: median(times.ours), direct: median(times.direct) };
}

/** Prints forward, input-gradient and filter-gradient times per layer shape. */
export function benchLayers(runs: number, batch = 8): void {
  const run = (name: string, inputs: tf.NamedTensorMap, attrs: object) =>
    tf.engine().runKernel(name, inputs, attrs as tf.NamedAttrMap) as tf.Tensor;
  console.log(
    `\nconvolution kernels per layer, batch ${batch}, median of ${runs}: ms (direct-equivalent` +
      ` GFLOP/s), then the direct path's ms; W2/W4 mark Winograd F(2x2)/F(4x4):`,
  );
  console.log(
    `  ${"layer".padEnd(24)}${"Conv2D".padStart(27)}${"BackpropInput".padStart(27)}${
      "BackpropFilter".padStart(27)
    }`,
  );
  const totals = [0, 0, 0];
  const directTotals = [0, 0, 0];
  for (const [size, cin, cout, k, s] of RESNET18_LAYERS) {
    const p = (k - 1) >> 1;
    const pad = [[0, 0], [p, p], [p, p], [0, 0]];
    const x = tf.randomUniform([batch, size, size, cin], -1, 1, "float32", 1);
    const w = tf.randomUniform([k, k, cin, cout], -1, 1, "float32", 2);
    const conv = { strides: [s, s], pad, dataFormat: "NHWC", dilations: [1, 1] };
    const y = run("Conv2D", { x, filter: w }, conv);
    const dy = tf.randomUniform(y.shape, -1, 1, "float32", 3);
    const flops = 2 * batch * y.shape[1]! * y.shape[2]! * cout * cin * k * k;
    const info = tf.backend_util.computeConv2DInfo(
      x.shape as [number, number, number, number],
      w.shape as [number, number, number, number],
      s,
      1,
      p,
    );
    const tiles = (["forward", "input", "filter"] as const).map((pass) => {
      const m = winogradTile(pass, info);
      return m === undefined ? "  " : `W${m}`;
    });
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
    times.forEach((t, i) => {
      totals[i] += t.ours;
      directTotals[i] += t.direct;
    });
    const cell = (t: { ours: number; direct: number }, i: number) =>
      `${tiles[i]} ${t.ours.toFixed(1).padStart(6)} (${
        (flops / t.ours / 1e6).toFixed(0).padStart(4)
      })${t.direct.toFixed(1).padStart(8)}  `;
    console.log(
      `  ${`${size}x${size} ${cin}->${cout} k${k} s${s}`.padEnd(24)}${times.map(cell).join("")}`,
    );
    tf.dispose([x, w, y, dy]);
  }
  console.log(
    `  ${"total".padEnd(24)}${
      totals.map((t, i) =>
        `   ${t.toFixed(1).padStart(6)}       ${directTotals[i].toFixed(1).padStart(8)}  `
      )
        .join("")
    }`,
  );
}
