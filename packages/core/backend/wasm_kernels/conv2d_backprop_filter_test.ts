import assert from "node:assert/strict";
import { tf } from "../tf.ts";
import { onBackend, relErr, tensorFrom } from "../../_testing/mod.ts";
import { CONV_CASES, outSize } from "./_cases.ts";

for (const c of CONV_CASES) {
  Deno.test(`wasm Conv2DBackpropFilter matches cpu: x ${c.x} k${c.k} s${c.s} pad ${c.pad}`, async () => {
    const [b, h, w, ch] = c.x;
    const dyShape = [b, outSize(h, c), outSize(w, c), c.o];
    const run = () =>
      tf.engine().runKernel(tf.Conv2DBackpropFilter, {
        x: tensorFrom(c.x, 1),
        dy: tensorFrom(dyShape, 2),
      }, {
        strides: [c.s, c.s],
        pad: c.pad,
        dataFormat: "NHWC",
        filterShape: [c.k, c.k, ch, c.o],
      } as unknown as tf.NamedAttrMap) as tf.Tensor;
    const [ref] = await onBackend("cpu", run);
    const [got] = await onBackend("wasm", run);
    assert.equal(got.length, c.k * c.k * ch * c.o);
    const err = relErr(got, ref);
    assert.ok(err < 1e-5, `relative L2 error ${err}`);
  });
}
