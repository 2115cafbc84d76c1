import assert from "node:assert/strict";
import { tf } from "./tf.ts";
import { initBackend } from "./backend.ts";
import { probeWebGpu, resolveBackend } from "./select.ts";
import { defaultThreads } from "./select.ts";
import { MinMaxNet } from "../model/minmax_net.ts";
import { Rng } from "../util/rng.ts";
import { relErr, tinyNetOptions } from "../_testing/mod.ts";

/** Runs `fn` with navigator.gpu replaced by `gpu`. */
async function withGpu<T>(gpu: unknown, fn: () => Promise<T>): Promise<T> {
  const nav = globalThis.navigator as unknown as Record<string, unknown>;
  Object.defineProperty(nav, "gpu", { value: gpu, configurable: true });
  try {
    return await fn();
  } finally {
    delete nav.gpu;
  }
}

const adapter = (fallback: boolean) => ({
  requestAdapter: () =>
    Promise.resolve({
      info: { isFallbackAdapter: fallback, description: fallback ? "lavapipe" : "Real GPU" },
    }),
});

Deno.test("auto picks WebGPU only for a real (non-fallback) adapter", async () => {
  assert.deepEqual(
    await withGpu(adapter(false), () => resolveBackend("auto")),
    { name: "webgpu", reason: "GPU adapter: Real GPU" },
  );
  assert.equal((await withGpu(adapter(true), () => resolveBackend("auto"))).name, "wasm");
  assert.match(
    (await withGpu(adapter(true), () => resolveBackend("auto"))).reason,
    /only a software adapter \(lavapipe\)/,
  );
  assert.equal((await withGpu(undefined, () => resolveBackend("auto"))).name, "wasm");
  const none = { requestAdapter: () => Promise.resolve(null) };
  assert.equal((await withGpu(none, () => resolveBackend("auto"))).name, "wasm");
  const broken = { requestAdapter: () => Promise.reject(new Error("driver crashed")) };
  assert.match((await withGpu(broken, () => resolveBackend("auto"))).reason, /driver crashed/);
  // The older spec put the flag on the adapter itself.
  const old = { requestAdapter: () => Promise.resolve({ isFallbackAdapter: true }) };
  assert.equal((await withGpu(old, () => resolveBackend("auto"))).name, "wasm");
});

Deno.test("explicit backends are honoured, the cpu backend only by name, bad names rejected", async () => {
  assert.deepEqual(await resolveBackend("cpu"), { name: "cpu", reason: "requested" });
  assert.equal((await initBackend("wasm")).name, "wasm");
  assert.equal(tf.getBackend(), "wasm");
  assert.match((await initBackend("wasm")).reason, /WASM-SIMD/);
  await assert.rejects(initBackend("tpu" as never), /unknown backend 'tpu'/);
});

Deno.test({
  name: "webgpu inference matches the cpu backend (where any WebGPU adapter exists)",
  ignore: !(await probeWebGpu()).adapter,
  fn: async () => {
    const run = async (b: "cpu" | "webgpu") => {
      await initBackend(b);
      const net = new MinMaxNet(tinyNetOptions({ kmax: 1 }), new Rng(0));
      const r = new Rng(9);
      const x = tf.tensor4d(Float32Array.from({ length: 64 * 96 * 3 }, () => r.uniform(-1, 1)), [
        1,
        64,
        96,
        3,
      ]);
      const o = net.infer(x);
      const out = [await o.scoresPos.data(), await o.mask.data()];
      tf.dispose([x, o.scoresPos, o.scoresSeg, o.mask]);
      net.dispose();
      return out;
    };
    const ref = await run("cpu");
    const got = await run("webgpu");
    assert.ok(relErr(got[0], ref[0]) < 1e-4, `scores ${relErr(got[0], ref[0])}`);
    assert.ok(relErr(got[1], ref[1]) < 1e-4, `mask ${relErr(got[1], ref[1])}`);
    await initBackend("wasm");
  },
});

Deno.test("POINTWISE_THREADS sets the default WASM threads, within 1..8", () => {
  const before = Deno.env.get("POINTWISE_THREADS");
  try {
    Deno.env.set("POINTWISE_THREADS", "3");
    assert.equal(defaultThreads(), 3);
    Deno.env.set("POINTWISE_THREADS", "99");
    assert.equal(defaultThreads(), 8);
    Deno.env.set("POINTWISE_THREADS", "none");
    assert.equal(defaultThreads(), Math.min(navigator.hardwareConcurrency, 8));
  } finally {
    if (before === undefined) Deno.env.delete("POINTWISE_THREADS");
    else Deno.env.set("POINTWISE_THREADS", before);
  }
});
