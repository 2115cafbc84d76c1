/**
 * Floating-point operations of the kernels that a `tf.profile` recorded,
 * counted from their shapes: convolutions (forward, with a fused inference
 * batch norm or not, and both gradients) and matrix products, the layers that hold nearly all of a ResNet's work. A
 * multiply-add counts as two operations. Gradients count the useful work,
 * not what a kernel may spend on inserted zeros.
 *
 * @example
 * ```ts ignore
 * const info = await tf.profile(() => net.forward(x, ctx));
 * kernelFlops(info.kernels); // 3.63e9 for ResNet-18 at 224x224
 * ```
 * @module
 */

/** What `tf.profile` records of one kernel call (the fields used here). */
export interface KernelRecord {
  name: string;
  inputShapes: (number[] | undefined)[];
  outputShapes: (number[] | undefined)[];
}

const prod = (s: number[] | undefined) => (s ?? []).reduce((a, b) => a * b, 1);

/** Operations of one kernel call; 0 for kernels that are not counted. */
export function flopsOf(k: KernelRecord): number {
  const [a, b] = k.inputShapes;
  switch (k.name) {
    case "Conv2D":
    case "FusedConv2D":
    case "PointwiseConvBatchNormInfer": {
      // x [N,H,W,Cin], filter [kh,kw,Cin,Cout], y [N,Ho,Wo,Cout].
      const [kh, kw, cin] = b!;
      return 2 * prod(k.outputShapes[0]) * kh * kw * cin;
    }
    case "Conv2DBackpropInput": {
      // dy [N,Ho,Wo,Cout], filter [kh,kw,Cin,Cout].
      const [kh, kw, cin] = b!;
      return 2 * prod(a) * kh * kw * cin;
    }
    case "Conv2DBackpropFilter": {
      // x, dy [N,Ho,Wo,Cout]; dw [kh,kw,Cin,Cout].
      const dw = k.outputShapes[0]!;
      return 2 * prod(b) * dw[0] * dw[1] * dw[2];
    }
    case "BatchMatMul":
    case "_FusedMatMul": {
      // [..., M, K] x [..., K, N] = out [..., M, N]; K from the larger-rank side.
      const out = k.outputShapes[0]!;
      const m = out[out.length - 2];
      const inner = a![a!.length - 1] === m ? a![a!.length - 2] : a![a!.length - 1];
      return 2 * prod(out) * inner;
    }
    default:
      return 0;
  }
}

/** Total operations of the recorded kernels. */
export function kernelFlops(kernels: KernelRecord[]): number {
  return kernels.reduce((s, k) => s + flopsOf(k), 0);
}
