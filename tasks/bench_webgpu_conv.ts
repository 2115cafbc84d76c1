/**
 * The convolution gradients of ResNet-18's layers (the `cpu` preset, batch 8,
 * 224x224) on the webgpu backend: forward, tfjs's input gradient, and the
 * filter gradient by tfjs's kernel and by ours (the implicit GEMM). Each
 * time is the mean of `runs` dispatches recorded back to back, read once at
 * the end. On a software adapter (lavapipe) it measures two CPU cores, not
 * a GPU. A benchmark: it asserts nothing.
 *
 * @example
 * ```sh
 * deno run -A tasks/bench_webgpu_conv.ts 3
 * ```
 * @module
 */
import { initBackend } from "@pointwise/core";
import { probeWebGpu } from "@pointwise/core/lite";
import { registerWebGpuKernels, tf, unregisterWebGpuKernels } from "@pointwise/core/tf";

const runs = Number(Deno.args[0] ?? 3);
await initBackend("webgpu");
const p = await probeWebGpu();
console.log(`adapter: ${p.description}${p.fallback ? " (software)" : ""}`);

const CASES: {
  what: string;
  x: [number, number, number, number];
  k: number;
  s: number;
  o: number;
}[] = [
  { what: "stem 7x7/2, 3->16", x: [8, 224, 224, 3], k: 7, s: 2, o: 16 },
  { what: "layer1 3x3, 16->16", x: [8, 56, 56, 16], k: 3, s: 1, o: 16 },
  { what: "layer3 3x3, 64->64", x: [8, 14, 14, 64], k: 3, s: 1, o: 64 },
  { what: "layer4 3x3, 128->128", x: [8, 7, 7, 128], k: 3, s: 1, o: 128 },
];

async function time(f: () => tf.Tensor): Promise<number> {
  const warm = f();
  await warm.data();
  warm.dispose();
  const t0 = performance.now();
  const outs: tf.Tensor[] = [];
  for (let i = 0; i < runs; i++) outs.push(f());
  await outs[outs.length - 1].data();
  tf.dispose(outs);
  return (performance.now() - t0) / runs;
}

for (const c of CASES) {
  const x = tf.randomNormal(c.x, 0, 1, "float32", 1) as tf.Tensor4D;
  const filterShape = [c.k, c.k, c.x[3], c.o] as [number, number, number, number];
  const w = tf.randomNormal(filterShape, 0, 0.1, "float32", 2) as tf.Tensor4D;
  const pad = Math.floor(c.k / 2);
  const y = tf.conv2d(x, w, c.s, pad);
  const dy = tf.randomNormal(y.shape, 0, 1, "float32", 3) as tf.Tensor4D;
  const dFilter = () =>
    tf.engine().runKernel("Conv2DBackpropFilter", { x, dy }, {
      strides: c.s,
      pad,
      dataFormat: "NHWC",
      filterShape,
    }) as tf.Tensor;
  const forward = await time(() => tf.conv2d(x, w, c.s, pad));
  const dInput = await time(() => tf.conv2dTranspose(dy, w, x.shape, c.s, pad));
  const ours = await time(dFilter);
  unregisterWebGpuKernels();
  const stock = await time(dFilter);
  registerWebGpuKernels();
  const gflop = (2 * y.size * c.k * c.k * c.x[3]) / 1e9;
  console.log(
    `${c.what.padEnd(22)} ${gflop.toFixed(2)} GFLOP  forward ${forward.toFixed(0)} ms, ` +
      `dInput ${dInput.toFixed(0)} ms, dFilter tfjs ${stock.toFixed(0)} ms, ours ${
        ours.toFixed(0)
      } ms`,
  );
  tf.dispose([x, w, y, dy]);
}
