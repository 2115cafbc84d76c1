import assert from "node:assert/strict";
import { tf } from "./tf.ts";
import { initBackend } from "./backend.ts";
import { readWindow } from "./read_window.ts";
import { cropBack, cropStart } from "../data/padding.ts";

Deno.test("readWindow is cropBack of the map's data, on the wasm heap and on cpu", async () => {
  for (const backend of ["wasm", "cpu"] as const) {
    await initBackend(backend);
    for (const [hp, wp, h, w] of [[32, 64, 29, 51], [7, 5, 7, 5], [9, 4, 1, 1]]) {
      const map = tf.tidy(() => tf.reshape(tf.range(0, hp * wp, 1, "float32"), [1, hp, wp, 1]));
      const whole = await map.data() as Float32Array;
      const got = await readWindow(map as tf.Tensor4D, cropStart(hp, h), cropStart(wp, w), h, w);
      assert.deepEqual(got, cropBack(whole, hp, wp, h, w), `${backend} ${hp}x${wp} to ${h}x${w}`);
      await assert.rejects(() => readWindow(map as tf.Tensor4D, 1, 0, hp, w), RangeError);
      map.dispose();
    }
  }
  await initBackend("wasm");
});
