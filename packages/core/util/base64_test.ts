import assert from "node:assert/strict";
import { encodeBase64 } from "./base64.ts";

Deno.test("base64 matches btoa on text and spans chunk boundaries", () => {
  assert.equal(encodeBase64(new TextEncoder().encode("pointwise")), btoa("pointwise"));
  const big = Uint8Array.from({ length: 0x8000 * 2 + 5 }, (_, i) => (i * 31) % 256);
  const decoded = Uint8Array.from(atob(encodeBase64(big)), (c) => c.charCodeAt(0));
  assert.deepEqual(decoded, big);
});
