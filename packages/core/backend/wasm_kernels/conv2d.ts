/**
 * `Conv2D` for the wasm backend: stride-1 3x3 layers by Winograd where
 * `winogradTile` chooses it (training and inference alike), every other
 * layer by the backend's own XNNPACK kernel, which this one wraps.
 *
 * @example
 * ```ts ignore
 * tf.registerKernel(conv2dConfigWrapping(tf.getKernel("Conv2D", "wasm")!));
 * ```
 * @module
 */
import { tf } from "../tf.ts";
import { simdLoopsFor } from "./simd_loops.ts";
import { forwardGeometry, winogradConv, winogradTile } from "./winograd.ts";

/** Marks our configs, so that registering twice never wraps ourselves. */
const OURS = Symbol("pointwise conv2d");

/**
 * Our `Conv2D` around `direct`, tfjs-wasm's own kernel, whose set-up (it
 * binds the backend's wasm functions) it keeps. Given one of ours, returns it.
 */
export function conv2dConfigWrapping(direct: tf.KernelConfig): tf.KernelConfig {
  if ((direct as { [OURS]?: true })[OURS]) return direct;
  const kernelFunc = (args: {
    inputs: tf.NamedTensorInfoMap;
    backend: unknown;
    attrs?: tf.NamedAttrMap;
  }) => {
    const { x, filter } = args.inputs as { x: tf.TensorInfo; filter: tf.TensorInfo };
    const attrs = args.attrs as unknown as tf.Conv2DAttrs;
    const simd = simdLoopsFor(args.backend);
    if (
      simd !== undefined &&
      tf.backend_util.convertConv2DDataFormat(attrs.dataFormat) === "channelsLast"
    ) {
      const info = tf.backend_util.computeConv2DInfo(
        x.shape as [number, number, number, number],
        filter.shape as [number, number, number, number],
        attrs.strides,
        attrs.dilations,
        attrs.pad,
        attrs.dimRoundingMode,
      );
      const m = winogradTile("forward", info);
      if (m !== undefined) return winogradConv(simd, x, filter, forwardGeometry(info), m, false);
    }
    return direct.kernelFunc(args as Parameters<tf.KernelFunc>[0]);
  };
  return {
    kernelName: tf.Conv2D,
    backendName: "wasm",
    setupFunc: direct.setupFunc,
    kernelFunc: kernelFunc as tf.KernelFunc,
    [OURS]: true,
  } as tf.KernelConfig;
}
