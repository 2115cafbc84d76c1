// A bounded burst on loopback: 200 requests, 16 at a time, against
// `deno task serve` in its own process. Every answer must be right, and after
// a warm-up burst a second identical burst must not grow the server's memory
// (its RSS, from /proc) by more than a small bound.
import assert from "node:assert/strict";
import { join } from "node:path";
import { syntheticPngs, tinyOnnx } from "./_helpers.ts";
import { startServe } from "./_server.ts";

const REQUESTS = 200;
const CONCURRENCY = 16;
// The tensors of one request are a few MB; 64 MiB is well below one leaked
// request per call (200 x 300 KB of inputs and masks alone would be 60 MB,
// plus onnxruntime's buffers), and above allocator noise.
const GROWTH_BOUND = 64 * 2 ** 20;

/** Resident memory of a process, in bytes, from Linux's /proc. */
async function rss(pid: number): Promise<number> {
  const status = await Deno.readTextFile(`/proc/${pid}/status`);
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)![1]) * 1024;
}

const hasProc = await Deno.stat("/proc/self/status").then(() => true, () => false);
if (!hasProc) console.warn("skipping the load test: it reads memory from Linux's /proc");

Deno.test({
  name: "200 requests, 16 at a time: all correct, and memory stays flat after warm-up",
  ignore: !hasProc,
  fn: async () => {
    const tmp = await Deno.makeTempDir({ prefix: "pointwise-load-" });
    const modelPath = join(tmp, "model.onnx");
    await Deno.writeFile(modelPath, await tinyOnnx());
    const images = await syntheticPngs([64, 80, 96, 112]);
    const server = await startServe(modelPath);
    const url = `${server.base}/v1/localize`;
    try {
      // The expected answer of each image, one at a time.
      const expected: unknown[] = [];
      for (const png of images) {
        expected.push(await (await fetch(url, { method: "POST", body: png as BodyInit })).json());
      }
      const burst = async () => {
        let next = 0;
        let wrong = 0;
        const worker = async () => {
          while (next < REQUESTS) {
            const i = next++;
            const r = await fetch(url, { method: "POST", body: images[i % 4] as BodyInit });
            const body = await r.json();
            if (r.status !== 200 || JSON.stringify(body) !== JSON.stringify(expected[i % 4])) {
              wrong++;
            }
          }
        };
        await Promise.all(Array.from({ length: CONCURRENCY }, worker));
        return wrong;
      };
      assert.equal(await burst(), 0, "warm-up burst: every answer right");
      const before = await rss(server.pid);
      assert.equal(await burst(), 0, "second burst: every answer right");
      const growth = await rss(server.pid) - before;
      console.log(`RSS growth across the second burst: ${(growth / 2 ** 20).toFixed(1)} MiB`);
      assert.ok(
        growth < GROWTH_BOUND,
        `RSS grew by ${(growth / 2 ** 20).toFixed(1)} MiB across the second burst`,
      );
    } finally {
      await server.stop();
    }
  },
});
