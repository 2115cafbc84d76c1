// Pointwise's own WASM-SIMD kernels on 2 threads (a pool of workers on tfjs's
// shared memory) give bit for bit what they give on 1: they split outputs,
// never a sum. Run in a subprocess, as the test task keeps tfjs at 1 thread.
import assert from "node:assert/strict";
import { runScript } from "./_helpers.ts";

Deno.test("the Winograd, GEMM, direct, resize and product kernels give the same bits on 1 and 2 threads", async () => {
  const r = await runScript("tests/kernel_threads_check.ts", ["2"], ["--allow-env"]);
  assert.equal(r.code, 0, r.stderr);
  const got = JSON.parse(r.stdout.trim().split("\n").pop()!);
  assert.equal(got.pool, 2, "the kernel pool did not start 2 threads");
  assert.equal(got.outputs, 17);
  assert.equal(got.same, true);
});
