/**
 * One onnxruntime timing for `deno task bench`, in its own process (the
 * thread count of onnxruntime is fixed once per process). Prints JSON.
 *
 *   deno run -A tasks/bench_ort.ts --runtime web|native|node-raw --threads N --model M.onnx --image I.png --runs R
 *
 * `web` and `native` are Pointwise's whole `predict()` through `loadOnnx`
 * (normalisation, session run, mask and class) on onnxruntime-web and on
 * onnxruntime-node; `node-raw` is onnxruntime-node's own figure: only
 * `session.run` on an input tensor made once, with the same session options,
 * the reference the native runtime is held to.
 *
 * @example
 * ```sh
 * deno run -A tasks/bench_ort.ts --runtime native --threads 2 --model m.onnx --image a.png --runs 5
 * ```
 * @module
 */
import { parseArgs } from "node:util";
import { decodeImage, env, normalizeChw } from "@pointwise/core/lite";
import { loadOnnx, readModelInfo } from "@pointwise/runtime";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    runtime: { type: "string", default: "web" },
    threads: { type: "string", default: "1" },
    model: { type: "string" },
    image: { type: "string" },
    runs: { type: "string", default: "5" },
  },
});
const threads = Number(values.threads);
const bytes = await Deno.readFile(values.model!);
const image = await decodeImage(await Deno.readFile(values.image!), values.image!);
env.threads = threads;

/** Median, min and max of `runs` timed calls after one warm-up. */
async function time(f: () => Promise<unknown>): Promise<Record<string, number>> {
  const times: number[] = [];
  for (let i = 0; i <= Number(values.runs); i++) {
    const t0 = performance.now();
    await f();
    if (i > 0) times.push((performance.now() - t0) / 1000);
  }
  times.sort((a, b) => a - b);
  return {
    median: times[Math.floor(times.length / 2)],
    min: times[0],
    max: times[times.length - 1],
  };
}

let result: Record<string, number | string>;
try {
  if (values.runtime === "node-raw") {
    const ort = await import("onnxruntime-node");
    const session = await ort.InferenceSession.create(bytes, {
      executionProviders: ["cpu"],
      intraOpNumThreads: threads,
      interOpNumThreads: 1,
      graphOptimizationLevel: "all",
    });
    const x = normalizeChw(image, readModelInfo(bytes, values.model!).normalization);
    const input = new ort.Tensor("float32", x, [1, 3, image.height, image.width]);
    result = await time(async () => {
      const out = await session.run({ image: input });
      for (const t of Object.values(out)) t.dispose();
    });
    await session.release();
  } else {
    const runtime = values.runtime === "native" ? "native" : "web";
    const backend = runtime === "web" ? "wasm" : "auto";
    const localizer = await loadOnnx(bytes, values.model!, { backend, runtime });
    result = { ...await time(() => localizer.predict(image)), runtime: localizer.runtime.name };
    await localizer.dispose();
  }
} catch (e) {
  result = { missing: `${values.runtime}: ${(e as Error).message.split("\n")[0]}` };
}
console.log(JSON.stringify(result));
