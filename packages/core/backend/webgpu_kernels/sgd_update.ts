/**
 * One SGD step for one parameter in one WGSL dispatch, the update of the
 * wasm kernel of the same name (PyTorch's, dampening 0):
 * d = g + wd p; buf' = momentum buf + d; d = d + momentum buf' with Nesterov,
 * else buf'; p' = p - lr d. Built from ops it is six dispatches.
 *
 * @example
 * ```ts ignore
 * const [p2, buf2] = tf.engine().runKernel(SGD_UPDATE, { param, grad, buffer },
 *   { lr: 0.01, momentum: 0.9, nesterov: true, weightDecay: 1e-5 }) as tf.Tensor[];
 * ```
 * @module
 */
import type { tf } from "../tf.ts";
import { SGD_UPDATE, type SgdUpdateAttrs } from "../wasm_kernels/sgd_update.ts";
import { asWebGpu, bindings, flatIndex, grid, runProgram } from "./gpu_program.ts";

const WGSL = `
${
  bindings(["p2", "b2"], ["p", "g", "b"], [
    "size: u32",
    "lr: f32",
    "momentum: f32",
    "wd: f32",
    "nesterov: u32",
  ])
}
@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = ${flatIndex()};
  if (i >= P.size) { return; }
  let d = g[i] + P.wd * p[i];
  let buf = P.momentum * b[i] + d;
  b2[i] = buf;
  var step = buf;
  if (P.nesterov != 0u) { step = d + P.momentum * buf; }
  p2[i] = p[i] - P.lr * step;
}`;

function sgdUpdate(
  args: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap },
): tf.TensorInfo[] {
  const { param, grad, buffer } = args.inputs as Record<string, tf.TensorInfo>;
  const { lr, momentum, nesterov, weightDecay } = args.attrs as unknown as SgdUpdateAttrs;
  const b = asWebGpu(args.backend);
  const size = param.shape.reduce((a, v) => a * v, 1);
  const outs = [b.makeTensorInfo(param.shape, "float32"), b.makeTensorInfo(param.shape, "float32")];
  runProgram(b, {
    key: "pointwise_sgd_update",
    wgsl: () => WGSL,
    outputs: outs,
    inputs: [param, grad, buffer],
    params: [
      { type: "u32", value: size },
      { type: "f32", value: lr },
      { type: "f32", value: momentum },
      { type: "f32", value: weightDecay },
      { type: "u32", value: nesterov ? 1 : 0 },
    ],
    workgroups: grid(size),
  });
  return outs;
}

/** Kernel registration on webgpu. */
export const sgdUpdateConfig: tf.KernelConfig = {
  kernelName: SGD_UPDATE,
  backendName: "webgpu",
  kernelFunc: sgdUpdate as unknown as tf.KernelFunc,
};
