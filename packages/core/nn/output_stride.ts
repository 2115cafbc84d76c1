/**
 * Where a ResNet's strides and dilations go for an output stride of 32 (the
 * reference), 16 or 8, the DeepLab way (torchvision's
 * `replace_stride_with_dilation`): layer4 (16), or layer3 and layer4 (8),
 * lose their stride of 2, and each 3x3 convolution after a removed stride is
 * dilated by it. The first block of such a layer keeps the previous dilation
 * on the convolution that carried the stride, and keeps its downsample
 * branch (a stride-1 projection), so the weights are the same at every
 * output stride. Tensor-free: the network and the ONNX export both read it.
 *
 * @example
 * ```ts
 * import { blockGeometry } from "./output_stride.ts";
 * blockGeometry(16, 3, 0); // layer4's first block: { stride: 1, first: 1, rest: 2, projection: true }
 * blockGeometry(16, 3, 1); // { stride: 1, first: 2, rest: 2, projection: false }
 * ```
 * @module
 */

/** The output strides a backbone can have. */
export const BACKBONE_STRIDES = [32, 16, 8] as const;

/** Stride and dilations of one residual block. */
export interface BlockGeometry {
  /** Stride of the block's strided convolution (and of its downsample). */
  stride: number;
  /** Dilation of the 3x3 convolution that carries a stride (conv1 of a basic block, conv2 of a bottleneck). */
  first: number;
  /** Dilation of the block's other 3x3 convolutions. */
  rest: number;
  /** Whether the block has a downsample branch whatever its channels (a layer's first block, past layer1). */
  projection: boolean;
}

/** The geometry of block `block` (from 0) of layer `layer` (0 to 3). */
export function blockGeometry(outputStride: number, layer: number, block: number): BlockGeometry {
  if (!(BACKBONE_STRIDES as readonly number[]).includes(outputStride)) {
    throw new Error(`output stride must be 8, 16 or 32, got ${outputStride}`);
  }
  let reached = 4; // the stem and max pooling
  let dilation = 1;
  let previous = 1;
  let stride = 1;
  for (let l = 0; l <= layer; l++) {
    stride = l > 0 ? 2 : 1;
    previous = dilation;
    if (reached * stride > outputStride) {
      dilation *= stride;
      stride = 1;
    }
    reached *= stride;
  }
  return {
    stride: block === 0 ? stride : 1,
    first: block === 0 ? previous : dilation,
    rest: dilation,
    projection: block === 0 && layer > 0,
  };
}
