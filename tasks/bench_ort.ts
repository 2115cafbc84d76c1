/**
 * One onnxruntime timing for `deno task bench`, in its own process (the
 * thread count of onnxruntime is fixed once per process). Prints JSON.
 *
 *   deno run -A tasks/bench_ort.ts --runtime web|node --threads N --model M.onnx --image I.png --runs R
 *
 * Both runtimes go through the same `OnnxLocalizer.predict()` (normalisation,
 * session run, mask and class), so only the engine differs. onnxruntime-node
 * is the native reference: it is fetched from npm for the benchmark only
 * (its install script, which would download more, is not run).
 *
 * @example
 * ```sh
 * deno run -A tasks/bench_ort.ts --runtime web --threads 2 --model m.onnx --image a.png --runs 5
 * ```
 * @module
 */
import { parseArgs } from "node:util";
import { decodeImage, env } from "@pointwise/core/lite";
import type { OrtChoice } from "@pointwise/runtime";
import { loadOnnx, OnnxLocalizer, readModelInfo } from "@pointwise/runtime";

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

let localizer: OnnxLocalizer;
if (values.runtime === "node") {
  let ort;
  try {
    ort = await import("onnxruntime-node");
  } catch (e) {
    console.log(
      JSON.stringify({ missing: `onnxruntime-node: ${(e as Error).message.split("\n")[0]}` }),
    );
    Deno.exit(0);
  }
  const session = await ort.InferenceSession.create(bytes, {
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
  });
  const choice: OrtChoice = { provider: "wasm", threads, reason: "onnxruntime-node (native)" };
  localizer = new OnnxLocalizer(
    readModelInfo(bytes, values.model!),
    choice,
    { ort, session } as never,
  );
} else {
  env.threads = threads;
  localizer = await loadOnnx(bytes, values.model!, { backend: "wasm" });
}
const times: number[] = [];
for (let i = 0; i <= Number(values.runs); i++) {
  const t0 = performance.now();
  await localizer.predict(image);
  if (i > 0) times.push((performance.now() - t0) / 1000);
}
times.sort((a, b) => a - b);
console.log(
  JSON.stringify({
    median: times[Math.floor(times.length / 2)],
    min: times[0],
    max: times[times.length - 1],
  }),
);
