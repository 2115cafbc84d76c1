/**
 * `Conv2DBackpropInput` for the wasm backend, replacing its naive loop. The
 * input gradient of a strided convolution is a stride-1 convolution of dy,
 * with stride-1 zeros inserted between its rows and columns, by the filter
 * flipped in space with its in and out channels swapped. That runs on the
 * backend's XNNPACK Conv2D.
 *
 * @example
 * ```ts ignore
 * tf.registerKernel(conv2dBackpropInputConfig);
 * ```
 * @module
 */
import { tf } from "../tf.ts";
import { type KernelBackendLike, KernelScope } from "./kernel_scope.ts";

/** Computes the input gradient of an NHWC Conv2D from its filter and output gradient. */
export function conv2dBackpropInput(
  args: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap },
): tf.TensorInfo {
  const { dy, filter } = args.inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
  const attrs = args.attrs as unknown as tf.Conv2DBackpropInputAttrs;
  const dataFormat = tf.backend_util.convertConv2DDataFormat(attrs.dataFormat);
  if (dataFormat !== "channelsLast") {
    throw new Error("wasm Conv2DBackpropInput supports only NHWC data");
  }
  const info = tf.backend_util.computeConv2DInfo(
    attrs.inputShape,
    filter.shape as [number, number, number, number],
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
  );
  const [b, h, w] = attrs.inputShape;
  const { strideHeight: sh, strideWidth: sw, filterHeight: kh, filterWidth: kw } = info;
  const { outHeight: ho, outWidth: wo } = info;
  const o = filter.shape[3];
  const { top, left } = info.padInfo;
  if (top > kh - 1 || left > kw - 1) {
    throw new Error("wasm Conv2DBackpropInput: padding larger than the filter is not supported");
  }

  const scope = new KernelScope(args.backend as KernelBackendLike);
  try {
    let d = dy;
    let dh = ho;
    let dw = wo;
    if (sh > 1 || sw > 1) {
      const r = scope.run("Reshape", { x: dy }, { shape: [b, ho, 1, wo, 1, o] });
      const p = scope.run("PadV2", { x: r }, {
        paddings: [[0, 0], [0, 0], [0, sh - 1], [0, 0], [0, sw - 1], [0, 0]],
        constantValue: 0,
      });
      dh = ho * sh;
      dw = wo * sw;
      d = scope.run("Reshape", { x: p }, { shape: [b, dh, dw, o] });
    }
    // Output row p reads d rows p + top - (kh - 1) .. p + top.
    const padTop = kh - 1 - top;
    const padLeft = kw - 1 - left;
    const padBottom = h + top - dh;
    const padRight = w + left - dw;
    if (padBottom < 0 || padRight < 0) {
      // Only inserted zeros lie past the last row or column read.
      d = scope.run("Slice", { x: d }, {
        begin: [0, 0, 0, 0],
        size: [b, dh + Math.min(padBottom, 0), dw + Math.min(padRight, 0), o],
      });
    }
    const flipped = scope.run("Reverse", { x: filter }, { dims: [0, 1] });
    const wt = scope.run("Transpose", { x: flipped }, { perm: [0, 1, 3, 2] });
    const dx = scope.run("Conv2D", { x: d, filter: wt }, {
      strides: [1, 1],
      pad: [[0, 0], [padTop, Math.max(padBottom, 0)], [padLeft, Math.max(padRight, 0)], [0, 0]],
      dilations: [1, 1],
      dataFormat: "NHWC",
    });
    return scope.keep(dx);
  } finally {
    scope.dispose();
  }
}

/** Kernel registration for `Conv2DBackpropInput` on wasm. */
export const conv2dBackpropInputConfig: tf.KernelConfig = {
  kernelName: tf.Conv2DBackpropInput,
  backendName: "wasm",
  kernelFunc: conv2dBackpropInput as tf.KernelFunc,
};
