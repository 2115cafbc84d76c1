// The browser demo's worker is a committed bundle of apps/worker/demo_worker.ts:
// rebuilt here, it must equal the committed files byte for byte, so that the
// demo never runs code older than the service's.
import assert from "node:assert/strict";
import { bundleDemo, bundleFiles, DEMO_BUNDLE_DIR } from "../tasks/bundle_demo.ts";

Deno.test("the committed demo worker bundle is current (else: deno task bundle:demo)", async () => {
  const dir = await Deno.makeTempDir({ prefix: "pointwise-bundle-" });
  try {
    await bundleDemo(dir);
    const built = await bundleFiles(dir);
    const committed = await bundleFiles(DEMO_BUNDLE_DIR);
    const stale = `${DEMO_BUNDLE_DIR} is stale: run deno task bundle:demo`;
    assert.deepEqual([...committed.keys()], [...built.keys()], stale);
    for (const [name, bytes] of built) {
      const old = committed.get(name)!;
      assert.ok(
        bytes.length === old.length && bytes.every((b, i) => b === old[i]),
        `${stale} (${name})`,
      );
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
