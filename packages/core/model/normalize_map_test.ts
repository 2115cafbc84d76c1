import assert from "node:assert/strict";
import { tf } from "../backend/tf.ts";
import { initBackend } from "../backend/backend.ts";
import { normalizeMap } from "./normalize_map.ts";

Deno.test("normalizeMap maps each image onto [0, 1]; a constant map becomes zeros", async () => {
  await initBackend("wasm");
  const m = tf.tensor4d([1, 3, 2, -4, -4, -4], [2, 1, 3, 1]);
  const out = normalizeMap(m);
  assert.deepEqual(Array.from(await out.data()), [0, 1, 0.5, 0, 0, 0]);
  tf.dispose([m, out]);
});
