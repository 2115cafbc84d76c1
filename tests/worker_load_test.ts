// A bounded burst on loopback: 200 requests, 16 at a time, against
// `deno task serve` in its own process. Every answer must be right, and after
// warm-up bursts one more identical burst must not grow the server's memory
// (its RSS, from /proc) by more than a small bound.
import assert from "node:assert/strict";
import { join } from "node:path";
import { syntheticPngs, tinyOnnx } from "./_helpers.ts";
import { startServe } from "./_server.ts";

const REQUESTS = 200;
const CONCURRENCY = 16;
// A leak of one request's buffers (input tensor, RGB, R+, mask and pictures:
// about 1 MB for these images) would grow RSS by some 200 MB per burst of 200;
// between bursts after warm-up, RSS moved by 3-14 MiB here.
const GROWTH_BOUND = 48 * 2 ** 20;

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
    const images = await syntheticPngs([192, 208, 224, 256]);
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
      // Two warm-up bursts: after one, the allocator still settles (12-22 MiB more
      // over the next); after two, RSS stays within about 10 MiB from burst to burst.
      assert.equal(await burst(), 0, "first warm-up burst: every answer right");
      assert.equal(await burst(), 0, "second warm-up burst: every answer right");
      const before = await rss(server.pid);
      assert.equal(await burst(), 0, "measured burst: every answer right");
      const growth = await rss(server.pid) - before;
      console.log(`RSS growth across the measured burst: ${(growth / 2 ** 20).toFixed(1)} MiB`);
      assert.ok(
        growth < GROWTH_BOUND,
        `RSS grew by ${(growth / 2 ** 20).toFixed(1)} MiB across the measured burst`,
      );
    } finally {
      await server.stop();
    }
  },
});
