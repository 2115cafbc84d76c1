import { Rng } from "@pointwise/core";
/**
 * `deno task bench:serve`: requests per second and p50/p99 latency of
 * `POST /v1/localize` on loopback, at concurrency 1, 4 and 16, against the
 * service handler served by `Deno.serve` in this process. A benchmark, not a
 * test: it asserts nothing beyond every answer being 200.
 *
 * @example
 * ```sh
 * deno task bench:serve                                  # a small model it exports itself
 * deno task bench:serve --model model.onnx --image slide.png --requests 100
 * ```
 * @module
 */
import { parseArgs } from "node:util";
import { buildMinMaxNet } from "@pointwise/core/model";
import { encodePng, PRESETS } from "@pointwise/core/lite";
import { exportOnnx } from "@pointwise/core/onnx";
import { syntheticDataset } from "@pointwise/core/data";
import { createHandler } from "@pointwise/worker";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    model: { type: "string" },
    image: { type: "string" },
    requests: { type: "string", default: "200" },
  },
});
const REQUESTS = Number(values.requests);

async function defaultModel(): Promise<Uint8Array> {
  const net = buildMinMaxNet(PRESETS.cpu, ["stripes", "dots"], new Rng(0));
  const bytes = exportOnnx({
    config: PRESETS.cpu,
    classes: ["stripes", "dots"],
    weights: await net.store.read(),
  });
  net.dispose();
  return bytes;
}

const model = values.model ? await Deno.readFile(values.model) : await defaultModel();
const image = values.image ? await Deno.readFile(values.image) : await encodePng(
  syntheticDataset({ count: 1, size: 256, classes: 2, seed: 1 }).samples[0].image,
);
const what = `${values.model ?? "cpu preset (ResNet-18 x0.25), untrained"}, image ${
  values.image ?? "256x256 synthetic PNG"
}`;

const server = Deno.serve(
  { port: 0, hostname: "127.0.0.1", onListen() {} },
  createHandler({ model, log: () => {}, requestLog: () => {} }),
);
const url = `http://127.0.0.1:${server.addr.port}/v1/localize`;
const once = async () => {
  const t0 = performance.now();
  const r = await fetch(url, { method: "POST", body: image as BodyInit });
  await r.arrayBuffer();
  if (r.status !== 200) throw new Error(`status ${r.status}`);
  return performance.now() - t0;
};
for (let i = 0; i < 5; i++) await once(); // warm-up

const pct = (s: number[], p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
console.log(`POST /v1/localize on loopback: ${what}; ${REQUESTS} requests per row`);
console.log(`deno ${Deno.version.deno}, ${navigator.hardwareConcurrency} CPU threads visible`);
console.log("concurrency   req/s     p50 ms    p99 ms");
for (const c of [1, 4, 16]) {
  const times: number[] = [];
  let next = 0;
  const t0 = performance.now();
  await Promise.all(Array.from({ length: c }, async () => {
    while (next++ < REQUESTS) times.push(await once());
  }));
  const seconds = (performance.now() - t0) / 1000;
  times.sort((a, b) => a - b);
  console.log(
    `${String(c).padStart(11)}  ${(REQUESTS / seconds).toFixed(1).padStart(6)}  ${
      pct(times, 0.5).toFixed(1).padStart(9)
    }  ${pct(times, 0.99).toFixed(1).padStart(8)}`,
  );
}
console.log(`RSS at the end ${(Deno.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB`);
await server.shutdown();
