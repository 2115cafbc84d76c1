/**
 * The forward convolutions that `direct_conv.ts` may take, timed both ways in
 * one run: our packed direct kernel against XNNPACK (the wasm backend's own),
 * on the non-Winograd layers of a 775x522 ResNet-18 prediction (input padded
 * to 544x800) and of the `cpu` preset's training step. Medians of interleaved
 * runs; a benchmark, it asserts nothing.
 *
 * @example
 * ```sh
 * deno run -A tasks/bench_direct_conv.ts --runs 7
 * ```
 * @module
 */
import { parseArgs } from "node:util";
import { initBackend } from "@pointwise/core";
import { directConvMode, tf } from "@pointwise/core/tf";

const { values } = parseArgs({
  args: Deno.args,
  options: { runs: { type: "string", default: "7" } },
});
const RUNS = Number(values.runs);

// [x, filter, stride, pad]
type Shape = [number, number, number, number];
const LAYERS: [string, Shape, Shape, number, number][] = [
  ["stem 544x800", [1, 544, 800, 3], [7, 7, 3, 64], 2, 3],
  ["stem 272x400", [1, 272, 400, 3], [7, 7, 3, 64], 2, 3],
  ["3x3/2 64-128", [1, 136, 200, 64], [3, 3, 64, 128], 2, 1],
  ["3x3/2 128-256", [1, 68, 100, 128], [3, 3, 128, 256], 2, 1],
  ["3x3/2 256-512", [1, 34, 50, 256], [3, 3, 256, 512], 2, 1],
  ["3x3/2 256-512 small", [1, 17, 25, 256], [3, 3, 256, 512], 2, 1],
  ["1x1/2 64-128", [1, 136, 200, 64], [1, 1, 64, 128], 2, 0],
  ["1x1/2 256-512", [1, 34, 50, 256], [1, 1, 256, 512], 2, 0],
  ["cpu stem, batch 16", [16, 128, 128, 3], [7, 7, 3, 16], 2, 3],
  ["cpu 3x3/2, batch 16", [16, 32, 32, 16], [3, 3, 16, 32], 2, 1],
];

await initBackend("wasm");
const median = (t: number[]) => t.sort((a, b) => a - b)[Math.floor(t.length / 2)];
console.log(`${"layer".padEnd(22)}${"direct".padStart(10)}${"XNNPACK".padStart(10)}  ratio`);
for (const [name, xs, ws, s, p] of LAYERS) {
  const x = tf.randomNormal(xs) as tf.Tensor4D;
  const w = tf.randomNormal(ws) as tf.Tensor4D;
  const times: Record<"always" | "off", number[]> = { always: [], off: [] };
  for (let i = 0; i <= RUNS; i++) {
    for (const mode of ["always", "off"] as const) {
      directConvMode.mode = mode;
      const t0 = performance.now();
      const y = tf.conv2d(x, w, s, p);
      y.dataSync();
      if (i > 0) times[mode].push(performance.now() - t0);
      y.dispose();
    }
  }
  directConvMode.mode = "auto";
  tf.dispose([x, w]);
  const [d, x2] = [median(times.always), median(times.off)];
  console.log(
    `${name.padEnd(22)}${d.toFixed(2).padStart(10)}${x2.toFixed(2).padStart(10)}  ${
      (x2 / d).toFixed(2)
    }x`,
  );
}
