/**
 * `MaxPoolGrad` for the wasm backend, whose own kernel drops the gradient of
 * windows whose maximum is <= 0. Each output's gradient goes to the first
 * maximum of its window in scan order, as in the cpu backend and PyTorch.
 * Padded positions never win (they act as -infinity).
 *
 * @example
 * ```ts ignore
 * tf.registerKernel(maxPoolGradConfig);
 * ```
 * @module
 */
import { tf } from "../tf.ts";
import type { KernelBackendLike } from "./kernel_scope.ts";
import { geometryOf } from "./col2im.ts";
import { simdLoopsFor } from "./simd_loops.ts";

/** Routes dy to the argmax of every pooling window of `input`. */
export function maxPoolGrad(
  args: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap },
): tf.TensorInfo {
  const { dy, input } = args.inputs as { dy: tf.TensorInfo; input: tf.TensorInfo };
  const attrs = args.attrs as unknown as tf.MaxPoolGradAttrs;
  const backend = args.backend as KernelBackendLike;
  const info = tf.backend_util.computePool2DInfo(
    input.shape as [number, number, number, number],
    attrs.filterSize,
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
  );
  const out = backend.makeOutput(input.shape, "float32");
  const simd = simdLoopsFor(backend);
  if (simd) {
    (backend.typedArrayFromHeap(out) as Float32Array).fill(0);
    simd.maxPoolGrad(input, dy, out, geometryOf(info));
    return out;
  }
  // Views are taken after the allocation: growing the heap detaches old ones.
  const x = backend.typedArrayFromHeap(input) as Float32Array;
  const g = backend.typedArrayFromHeap(dy) as Float32Array;
  const dx = backend.typedArrayFromHeap(out) as Float32Array;
  dx.fill(0);
  const { batchSize, inHeight, inWidth, inChannels: ch, outHeight, outWidth } = info;
  const { strideHeight: sh, strideWidth: sw, filterHeight: fh, filterWidth: fw } = info;
  const { top, left } = info.padInfo;
  const rowStride = inWidth * ch;
  // Channels innermost, as the data lies: one contiguous run per window cell.
  // The scan order per channel (rows, then columns) keeps the first maximum.
  const best = new Float32Array(ch);
  const at = new Int32Array(ch);
  for (let b = 0; b < batchSize; b++) {
    const xBase = b * inHeight * rowStride;
    for (let oy = 0; oy < outHeight; oy++) {
      const y0 = oy * sh - top;
      const yStart = Math.max(0, y0);
      const yEnd = Math.min(inHeight, y0 + fh);
      for (let ox = 0; ox < outWidth; ox++) {
        const x0 = ox * sw - left;
        const xStart = Math.max(0, x0);
        const xEnd = Math.min(inWidth, x0 + fw);
        if (yStart >= yEnd || xStart >= xEnd) continue;
        const gBase = ((b * outHeight + oy) * outWidth + ox) * ch;
        let first = true;
        for (let y = yStart; y < yEnd; y++) {
          for (let xx = xStart; xx < xEnd; xx++) {
            const i = xBase + y * rowStride + xx * ch;
            if (first) {
              for (let c = 0; c < ch; c++) {
                best[c] = x[i + c];
                at[c] = i + c;
              }
              first = false;
              continue;
            }
            for (let c = 0; c < ch; c++) {
              const v = x[i + c];
              if (v > best[c]) {
                best[c] = v;
                at[c] = i + c;
              }
            }
          }
        }
        for (let c = 0; c < ch; c++) dx[at[c]] += g[gBase + c];
      }
    }
  }
  return out;
}

/** Kernel registration for `MaxPoolGrad` on wasm. */
export const maxPoolGradConfig: tf.KernelConfig = {
  kernelName: tf.MaxPoolGrad,
  backendName: "wasm",
  kernelFunc: maxPoolGrad as tf.KernelFunc,
};
