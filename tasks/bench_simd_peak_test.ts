import assert from "node:assert/strict";
import { simdPeak } from "./bench_simd_peak.ts";

// The workers check the kernel's product on small integers before timing it,
// so a wrong build or a wrong opcode comes back as `missing`.
for (const variant of ["plain", "relaxed"] as const) {
  Deno.test(`the ${variant} WASM-SIMD microkernel validates, computes its product and runs`, async () => {
    const p = await simdPeak(variant, 1, 1, 200);
    assert.equal(p.missing, undefined);
    assert.ok(p.gflops !== undefined && p.gflops > 0, `GFLOP/s ${p.gflops}`);
  });
}
