import assert from "node:assert/strict";
import { tf } from "../tf.ts";
import { onBackend, relErr, tensorFrom } from "../../_testing/mod.ts";
import { spreadFilter } from "../../nn/dilated_conv2d.ts";
import { DILATED_CASES, dilatedInfo } from "./_cases.ts";
import { inputGradByColumns } from "./conv2d_backprop_input.ts";
import { filterGradByColumns } from "./conv2d_backprop_filter.ts";

// The wasm kernels given a `dilations` attribute, against the cpu backend's
// stock kernels on the equivalent undilated filter (zeros between the taps),
// whose forward pass a test of nn/dilated_conv2d.ts holds to tfjs's dilated
// Conv2D. Both sum the same products in another order: float32 rounding,
// about 1e-7 relative; 1e-5 leaves room and still fails on any wrong tap.

function attrs(c: (typeof DILATED_CASES)[number], dilated: boolean) {
  return {
    strides: [1, 1],
    pad: c.pad,
    dataFormat: "NHWC",
    ...(dilated ? { dilations: [c.d, c.d] } : {}),
  };
}

for (const c of DILATED_CASES) {
  const info = dilatedInfo(c);
  const dyShape = [c.x[0], info.outHeight, info.outWidth, c.o];
  const wShape = [c.k, c.k, c.x[3], c.o];

  Deno.test(`wasm Conv2DBackpropInput with dilation ${c.d} matches cpu: x ${c.x} k${c.k} pad ${c.pad}`, async () => {
    const ref = await onBackend("cpu", () => {
      const spread = spreadFilter(tensorFrom(wShape, 4) as tf.Tensor4D, c.d);
      return tf.engine().runKernel(tf.Conv2DBackpropInput, {
        dy: tensorFrom(dyShape, 3),
        filter: spread,
      }, {
        ...attrs(c, false),
        inputShape: c.x,
      } as unknown as tf.NamedAttrMap) as tf.Tensor;
    });
    const got = await onBackend("wasm", () =>
      tf.engine().runKernel(tf.Conv2DBackpropInput, {
        dy: tensorFrom(dyShape, 3),
        filter: tensorFrom(wShape, 4),
      }, { ...attrs(c, true), inputShape: c.x } as unknown as tf.NamedAttrMap) as tf.Tensor);
    assert.equal(got[0].length, c.x.reduce((a, b) => a * b, 1));
    const err = relErr(got[0], ref[0]);
    assert.ok(err < 1e-5, `relative L2 error ${err}`);
  });

  Deno.test(`wasm Conv2DBackpropFilter with dilation ${c.d} matches cpu: x ${c.x} k${c.k} pad ${c.pad}`, async () => {
    const ref = await onBackend("cpu", () => {
      const spreadShape = [(c.k - 1) * c.d + 1, (c.k - 1) * c.d + 1, c.x[3], c.o];
      const dSpread = tf.engine().runKernel(
        tf.Conv2DBackpropFilter,
        {
          x: tensorFrom(c.x, 1),
          dy: tensorFrom(dyShape, 2),
        },
        { ...attrs(c, false), filterShape: spreadShape } as unknown as tf.NamedAttrMap,
      ) as tf.Tensor4D;
      // The dilated filter's taps sit every d positions of the spread one.
      return tf.stridedSlice(dSpread, [0, 0, 0, 0], spreadShape, [c.d, c.d, 1, 1]);
    });
    const got = await onBackend("wasm", () =>
      tf.engine().runKernel(tf.Conv2DBackpropFilter, {
        x: tensorFrom(c.x, 1),
        dy: tensorFrom(dyShape, 2),
      }, { ...attrs(c, true), filterShape: wShape } as unknown as tf.NamedAttrMap) as tf.Tensor);
    assert.equal(got[0].length, wShape.reduce((a, b) => a * b, 1));
    const err = relErr(got[0], ref[0]);
    assert.ok(err < 1e-5, `relative L2 error ${err}`);
  });
}

Deno.test("dilated gradients take the convolution paths, never the image columns", () => {
  for (const c of DILATED_CASES) {
    const info = dilatedInfo(c);
    assert.equal(inputGradByColumns(info), false);
    assert.equal(filterGradByColumns(info, true), false);
  }
});

Deno.test("wasm Conv2DBackpropInput refuses a dilation with a stride above 1", async () => {
  await assert.rejects(
    () =>
      onBackend("wasm", () =>
        tf.engine().runKernel(tf.Conv2DBackpropInput, {
          dy: tensorFrom([1, 3, 3, 2], 1),
          filter: tensorFrom([3, 3, 2, 2], 2),
        }, {
          strides: [2, 2],
          pad: 2,
          dataFormat: "NHWC",
          dilations: [2, 2],
          inputShape: [1, 6, 6, 2],
        } as unknown as tf.NamedAttrMap) as tf.Tensor),
    /dilation with a stride above 1/,
  );
});
