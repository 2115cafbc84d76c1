// The browser demo's worker is a committed bundle of apps/worker/demo_worker.ts:
// rebuilt here, it must equal the committed file byte for byte, so that the
// demo never runs code older than the service's.
import assert from "node:assert/strict";
import { join } from "node:path";
import { bundleDemo, DEMO_BUNDLE } from "../tasks/bundle_demo.ts";

Deno.test("the committed demo worker bundle is current (else: deno task bundle:demo)", async () => {
  const dir = await Deno.makeTempDir({ prefix: "pointwise-bundle-" });
  try {
    const fresh = join(dir, "demo_worker.js");
    await bundleDemo(fresh);
    const [built, committed] = await Promise.all([
      Deno.readFile(fresh),
      Deno.readFile(DEMO_BUNDLE),
    ]);
    assert.ok(
      built.length === committed.length && built.every((b, i) => b === committed[i]),
      `${DEMO_BUNDLE} is stale (${committed.length} bytes; rebuilt: ${built.length}): ` +
        "run deno task bundle:demo",
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
