/**
 * A stride-1 dilated ("atrous") convolution that can be trained: tfjs-core's
 * Conv2D gradient refuses dilations above 1. The forward pass is tfjs's own
 * Conv2D (every backend runs it dilated); the gradients are
 *
 * - on the wasm backend with the project's gradient kernels, those kernels
 *   given a `dilations` attribute (`backend/wasm_kernels`), which they run
 *   at the dilated filter's true cost;
 * - elsewhere (cpu, webgpu), the stock gradient kernels on the equivalent
 *   undilated filter, the filter with (d - 1) zeros between its taps: exact,
 *   but d^2 times the multiplications. It is also the reference the wasm
 *   kernels are tested against.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { tf } from "../backend/tf.ts";
 * import { dilatedConv2d } from "./dilated_conv2d.ts";
 * const x = tf.ones([1, 8, 8, 2]) as tf.Tensor4D;
 * const w = tf.ones([3, 3, 2, 4]) as tf.Tensor4D;
 * const y = dilatedConv2d(x, w, 2, 2);
 * assert.deepEqual(y.shape, [1, 8, 8, 4]);
 * const dw = tf.grad((k) => tf.sum(dilatedConv2d(x, k as tf.Tensor4D, 2, 2)))(w);
 * assert.deepEqual(dw.shape, w.shape);
 * ```
 * @module
 */
import { tf } from "../backend/tf.ts";
import { conv2dBackpropFilterConfig } from "../backend/wasm_kernels/conv2d_backprop_filter.ts";
import { conv2dBackpropInputConfig } from "../backend/wasm_kernels/conv2d_backprop_input.ts";

/**
 * The filter with (d - 1) zeros between neighbouring taps: [(k-1)d+1,
 * (k-1)d+1, in, out]. A stride-1 convolution with it equals the dilated one.
 * Built by a gather over [taps, in*out] rows (a zero row for the gaps): rank
 * 2 only, as the webgpu backend's pad and slice give zeros for the rank-6
 * reshapes this would otherwise take (measured on tfjs-backend-webgpu 4.22).
 */
export function spreadFilter(w: tf.Tensor4D, d: number): tf.Tensor4D {
  return tf.tidy(() => {
    const [kh, kw, ci, co] = w.shape;
    const [sh, sw] = [(kh - 1) * d + 1, (kw - 1) * d + 1];
    const zero = kh * kw;
    const rows = new Int32Array(sh * sw).fill(zero);
    for (let i = 0; i < kh; i++) {
      for (let j = 0; j < kw; j++) rows[i * d * sw + j * d] = i * kw + j;
    }
    const taps = tf.concat([tf.reshape(w, [kh * kw, ci * co]), tf.zeros([1, ci * co])], 0);
    return tf.reshape(tf.gather(taps, tf.tensor1d(rows, "int32")), [sh, sw, ci, co]);
  });
}

/** The taps of a spread filter's gradient that belong to the dilated filter. */
function gatherTaps(dSpread: tf.Tensor4D, d: number, kh: number, kw: number): tf.Tensor4D {
  return tf.tidy(() => {
    const [sh, sw, ci, co] = dSpread.shape;
    const rows = new Int32Array(kh * kw);
    for (let i = 0; i < kh; i++) {
      for (let j = 0; j < kw; j++) rows[i * kw + j] = i * d * sw + j * d;
    }
    const flat = tf.reshape(dSpread, [sh * sw, ci * co]);
    return tf.reshape(tf.gather(flat, tf.tensor1d(rows, "int32")), [kh, kw, ci, co]);
  });
}

/** Whether the active backend's gradient kernels are the project's, which take dilations. */
export function kernelsTakeDilations(): boolean {
  const backend = tf.getBackend();
  return tf.getKernel(tf.Conv2DBackpropInput, backend) === conv2dBackpropInputConfig &&
    tf.getKernel(tf.Conv2DBackpropFilter, backend) === conv2dBackpropFilterConfig;
}

/**
 * Gradients of a stride-1 convolution with dilation `d` and symmetric zero
 * padding `pad` with respect to its input and filter.
 */
export function dilatedConv2dGrads(
  x: tf.Tensor4D,
  w: tf.Tensor4D,
  dy: tf.Tensor4D,
  d: number,
  pad: number,
): [tf.Tensor4D, tf.Tensor4D] {
  const engine = tf.engine();
  const common = { strides: [1, 1], pad, dataFormat: "NHWC" };
  if (kernelsTakeDilations()) {
    const attrs = { ...common, dilations: [d, d] };
    const dx = engine.runKernel(tf.Conv2DBackpropInput, { dy, filter: w }, {
      ...attrs,
      inputShape: x.shape,
    } as unknown as tf.NamedAttrMap) as tf.Tensor4D;
    const dw = engine.runKernel(tf.Conv2DBackpropFilter, { x, dy }, {
      ...attrs,
      filterShape: w.shape,
    } as unknown as tf.NamedAttrMap) as tf.Tensor4D;
    return [dx, dw];
  }
  return tf.tidy(() => {
    const spread = spreadFilter(w, d);
    const dx = engine.runKernel(tf.Conv2DBackpropInput, { dy, filter: spread }, {
      ...common,
      inputShape: x.shape,
    } as unknown as tf.NamedAttrMap) as tf.Tensor4D;
    const dSpread = engine.runKernel(tf.Conv2DBackpropFilter, { x, dy }, {
      ...common,
      filterShape: spread.shape,
    } as unknown as tf.NamedAttrMap) as tf.Tensor4D;
    return [dx, gatherTaps(dSpread, d, w.shape[0], w.shape[1])];
  });
}

/**
 * y = conv2d(x, w) with stride 1, dilation `d` and `pad` zeros on every side,
 * differentiable in x and w on every backend.
 */
export function dilatedConv2d(x: tf.Tensor4D, w: tf.Tensor4D, d: number, pad: number): tf.Tensor4D {
  if (!Number.isInteger(d) || d < 1) throw new Error(`dilation must be an integer >= 1, got ${d}`);
  if (d === 1) return tf.conv2d(x, w, 1, pad);
  // customGrad passes the inputs, then the save function, as one rest list.
  const f = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [a, k, save] = args as [tf.Tensor, tf.Tensor, tf.GradSaveFunc];
    save([a, k]);
    return {
      value: tf.conv2d(a as tf.Tensor4D, k as tf.Tensor4D, 1, pad, "NHWC", d),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) =>
        dilatedConv2dGrads(
          saved[0] as tf.Tensor4D,
          saved[1] as tf.Tensor4D,
          dy as tf.Tensor4D,
          d,
          pad,
        ),
    };
  });
  return f(x, w) as tf.Tensor4D;
}
