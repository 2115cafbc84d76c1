/**
 * `Conv2D` for the wasm backend: stride-1 3x3 layers by Winograd where
 * `winogradTile` chooses it (training and inference alike), first layers
 * (few input channels, a wide kernel) by `direct_conv.ts`; every other layer
 * falls back to the backend's own XNNPACK kernel.
 *
 * @example
 * ```ts ignore
 * tf.registerKernel(wrapWasmKernel(tf.getKernel("Conv2D", "wasm")!, conv2d));
 * ```
 * @module
 */
import { tf } from "../tf.ts";
import { simdLoopsFor } from "./simd_loops.ts";
import { forwardGeometry, winogradConv, winogradTile } from "./winograd.ts";
import { directConv, directConvFits } from "./direct_conv.ts";
import type { KernelArgs } from "./wrap_kernel.ts";

/** The convolution by Winograd or the direct kernel, or undefined for the backend's own. */
export function conv2d(args: KernelArgs): tf.TensorInfo | undefined {
  const { x, filter } = args.inputs as { x: tf.TensorInfo; filter: tf.TensorInfo };
  const attrs = args.attrs as unknown as tf.Conv2DAttrs;
  const simd = simdLoopsFor(args.backend);
  if (simd === undefined) return undefined;
  if (tf.backend_util.convertConv2DDataFormat(attrs.dataFormat) !== "channelsLast") {
    return undefined;
  }
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
  if (!directConvFits(info) || x.dtype !== "float32") return undefined;
  return directConv(simd, x, filter, info);
}
