/**
 * `MaxPoolGrad` on webgpu with the cpu backend's and PyTorch's routing: each
 * window's gradient goes to its first maximum in scan order (rows, then
 * columns; padding never wins). tfjs's webgpu kernel picks another maximum
 * when a window holds several, so its gradients differed from cpu and wasm
 * wherever values tie.
 *
 * One thread per input element gathers from the few windows that contain it
 * (at most ceil(k/s)^2), recomputing each window's first maximum: no two
 * threads write the same element, so no atomics are needed.
 *
 * @example
 * ```ts ignore
 * tf.registerKernel(maxPoolGradConfig);
 * ```
 * @module
 */
import { tf } from "../tf.ts";
import { asWebGpu, bindings, flatIndex, grid, runProgram } from "./gpu_program.ts";

const WGSL = `
${
  bindings(["dx"], ["x", "dy"], [
    "size: u32",
    "C: u32",
    "H: u32",
    "W: u32",
    "OH: u32",
    "OW: u32",
    "kh: i32",
    "kw: i32",
    "sh: i32",
    "sw: i32",
    "top: i32",
    "left: i32",
  ])
}
@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = ${flatIndex()};
  if (i >= P.size) { return; }
  let c = i % P.C;
  let px = i32((i / P.C) % P.W);
  let py = i32((i / (P.C * P.W)) % P.H);
  let n = i / (P.C * P.W * P.H);
  let base = n * P.H * P.W * P.C + c;
  // Windows (oy, ox) with oy sh - top <= py < oy sh - top + kh, likewise for x.
  let oyLo = max(0, (py + P.top - P.kh + P.sh) / P.sh);
  let oyHi = min(i32(P.OH) - 1, (py + P.top) / P.sh);
  let oxLo = max(0, (px + P.left - P.kw + P.sw) / P.sw);
  let oxHi = min(i32(P.OW) - 1, (px + P.left) / P.sw);
  var sum = 0.0;
  for (var oy = oyLo; oy <= oyHi; oy++) {
    let y0 = oy * P.sh - P.top;
    for (var ox = oxLo; ox <= oxHi; ox++) {
      let x0 = ox * P.sw - P.left;
      var best = -3.4028235e38;
      var at = -1;
      for (var y = max(0, y0); y < min(i32(P.H), y0 + P.kh); y++) {
        for (var xx = max(0, x0); xx < min(i32(P.W), x0 + P.kw); xx++) {
          let v = x[base + (u32(y) * P.W + u32(xx)) * P.C];
          if (at < 0 || v > best) {
            best = v;
            at = y * i32(P.W) + xx;
          }
        }
      }
      if (at == py * i32(P.W) + px) {
        sum += dy[((n * P.OH + u32(oy)) * P.OW + u32(ox)) * P.C + c];
      }
    }
  }
  dx[i] = sum;
}`;

function maxPoolGrad(
  args: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap },
): tf.TensorInfo {
  const { dy, input } = args.inputs as { dy: tf.TensorInfo; input: tf.TensorInfo };
  const attrs = args.attrs as unknown as tf.MaxPoolGradAttrs;
  const b = asWebGpu(args.backend);
  const info = tf.backend_util.computePool2DInfo(
    input.shape as [number, number, number, number],
    attrs.filterSize,
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
  );
  const size = input.shape.reduce((a, v) => a * v, 1);
  const dx = b.makeTensorInfo(input.shape, "float32");
  const u = (value: number) => ({ type: "u32" as const, value });
  const i = (value: number) => ({ type: "i32" as const, value });
  runProgram(b, {
    key: "pointwise_max_pool_grad",
    wgsl: () => WGSL,
    outputs: [dx],
    inputs: [input, dy],
    params: [
      u(size),
      u(info.inChannels),
      u(info.inHeight),
      u(info.inWidth),
      u(info.outHeight),
      u(info.outWidth),
      i(info.filterHeight),
      i(info.filterWidth),
      i(info.strideHeight),
      i(info.strideWidth),
      i(info.padInfo.top),
      i(info.padInfo.left),
    ],
    workgroups: grid(size),
  });
  return dx;
}

/** Kernel registration on webgpu, replacing tfjs's. */
export const maxPoolGradConfig: tf.KernelConfig = {
  kernelName: tf.MaxPoolGrad,
  backendName: "webgpu",
  kernelFunc: maxPoolGrad as unknown as tf.KernelFunc,
};
