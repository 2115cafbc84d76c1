import assert from "node:assert/strict";
import { DEFAULT_LIMITS, resolveLimits } from "./limits.ts";

Deno.test("limits take overrides and refuse what is not a positive integer", () => {
  assert.deepEqual(resolveLimits(), DEFAULT_LIMITS);
  assert.deepEqual(resolveLimits({ maxPixels: 10 }), { ...DEFAULT_LIMITS, maxPixels: 10 });
  assert.throws(() => resolveLimits({ maxBytes: 0 }), /maxBytes must be a positive integer/);
  assert.throws(() => resolveLimits({ maxPixels: 1.5 }), /maxPixels must be a positive integer/);
});
