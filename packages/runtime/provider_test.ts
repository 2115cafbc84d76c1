import assert from "node:assert/strict";
import { UnsupportedBackendError } from "@pointwise/core/lite";
import { checkRuntime, resolveOrtProvider, RuntimeUnavailableError } from "./provider.ts";
import { nativeBlocker } from "./native.ts";

Deno.test("web backends named, or runtime web, keep onnxruntime-web; cpu is native's", async () => {
  assert.equal((await resolveOrtProvider("wasm", "auto")).runtime, "web");
  const web = await resolveOrtProvider("wasm", "web");
  assert.deepEqual([web.runtime, web.provider], ["web", "wasm"]);
  await assert.rejects(resolveOrtProvider("cpu", "web"), UnsupportedBackendError);
  await assert.rejects(
    resolveOrtProvider("webgpu", "native"),
    (e) => e instanceof RuntimeUnavailableError && e.fix === "setting",
  );
  assert.throws(() => checkRuntime("fast"), /runtime must be one of auto, web, native/);
});

Deno.test({
  name: "auto takes the native CPU provider where onnxruntime-node loads (these tests allow FFI)",
  ignore: nativeBlocker() !== undefined,
  async fn() {
    for (const backend of ["auto", "cpu"] as const) {
      const c = await resolveOrtProvider(backend, "auto");
      assert.deepEqual([c.runtime, c.provider], ["native", "cpu"]);
      assert.ok(c.threads >= 1);
    }
  },
});
