/**
 * `Cast` for webgpu that converts int32 and bool data to float32. The stock
 * kernel only relabels the int32 buffer as float32; some later kernels then
 * read or write it as floats: summing a one-hot selection built by `OneHot`
 * from `TopK` indices (WILDCAT's composed top-k pooling) gave zeros and
 * denormals (1 read as 1.4e-45). Every other cast goes to the stock kernel.
 *
 * @example
 * ```ts ignore
 * const f = tf.cast(intTensor, "float32"); // a real float32 buffer on webgpu
 * ```
 * @module
 */
import type { tf } from "../tf.ts";
import { bindings, flatIndex, grid, runProgram } from "./gpu_program.ts";

const WGSL = `
${bindings(["y"], ["x"], ["size: u32"], { x: "i32" })}
@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = ${flatIndex()};
  if (i < P.size) { y[i] = f32(x[i]); }
}`;

/** Makes a Cast kernel that handles int32/bool to float32 and defers the rest to `stock`. */
export function castKernel(stock: tf.KernelFunc): tf.KernelFunc {
  return ((args: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap }) => {
    const x = args.inputs.x as tf.TensorInfo;
    const dtype = (args.attrs as { dtype: tf.DataType }).dtype;
    const size = x.shape.reduce((a, v) => a * v, 1);
    if (dtype !== "float32" || (x.dtype !== "int32" && x.dtype !== "bool") || size === 0) {
      return stock(args as never);
    }
    const backend = args.backend as { makeTensorInfo(s: number[], d: tf.DataType): tf.TensorInfo };
    const y = backend.makeTensorInfo(x.shape, "float32");
    runProgram(backend, {
      key: "pointwise_cast_i32_f32",
      wgsl: () => WGSL,
      outputs: [y],
      inputs: [x],
      params: [{ type: "u32", value: size }],
      workgroups: grid(size),
    });
    return y;
  }) as unknown as tf.KernelFunc;
}
