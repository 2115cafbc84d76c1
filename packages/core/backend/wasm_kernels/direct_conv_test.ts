// The packed direct forward convolution against the cpu backend, on every
// shared case with output channels by 8 and on deeper inputs. Each output is
// one float32 sum over its kh * kw * c taps in order (the cpu backend sums
// in another order): rounding of order 1e-7 relative per term, bounded here
// by 1e-6 relative L2 (a wrong tap, pixel or channel is off by order 1).
import assert from "node:assert/strict";
import { tf } from "../tf.ts";
import { onBackend, relErr, tensorFrom } from "../../_testing/mod.ts";
import { CONV_CASES, type ConvCase } from "./_cases.ts";
import { directConvCalls, directConvMode } from "./direct_conv.ts";

const DEEP: ConvCase[] = [
  { x: [2, 9, 7, 16], k: 3, s: 2, pad: 1, o: 16 },
  { x: [1, 10, 13, 24], k: 3, s: 2, pad: "same", o: 8 },
  { x: [1, 6, 5, 12], k: 3, s: 1, pad: 1, o: 40 },
  { x: [2, 9, 9, 3], k: 7, s: 2, pad: 3, o: 64 },
];

Deno.test("wasm direct convolution matches cpu on every case", async () => {
  const cases = [...CONV_CASES.filter((c) => c.o % 8 === 0), ...DEEP];
  const previous = directConvMode.mode;
  directConvMode.mode = "always";
  try {
    for (const c of cases) {
      const run = () =>
        tf.conv2d(
          tensorFrom(c.x, 1) as tf.Tensor4D,
          tensorFrom([c.k, c.k, c.x[3], c.o], 2) as tf.Tensor4D,
          c.s,
          c.pad,
        );
      const [ref] = await onBackend("cpu", run);
      const before = directConvCalls.forward;
      const [got] = await onBackend("wasm", run);
      const what = JSON.stringify(c);
      // Stride-1 3x3 layers with channels by 4 may go by Winograd instead.
      const winograd = c.k === 3 && c.s === 1 && c.x[3] % 4 === 0;
      if (!winograd) assert.equal(directConvCalls.forward, before + 1, `${what}: path taken`);
      const err = relErr(got, ref);
      assert.ok(err < 1e-6, `${what}: relative L2 ${err}`);
    }
  } finally {
    directConvMode.mode = previous;
  }
});
