/**
 * The method's entropy losses fused with the softmax, value and gradient in
 * one dispatch. For logits z [B,C], with p = softmax(z) and
 * lse = max + log sum exp(z - max):
 * - to labels y (L_seg, L_pos): l_i = lse_i - z_iy, dl_i/dz = p - onehot(y);
 * - to the uniform distribution (L_neg): l_i = lse_i - mean_c z_ic,
 *   dl_i/dz = p - 1/C.
 * Outputs the mean loss, the per-sample losses and `scale` times the
 * per-sample gradient (1/B for the gradient of the mean). The composed ops
 * take about a dozen dispatches forward and as many backward.
 *
 * @example
 * ```ts ignore
 * const [loss, perSample, grad] = tf.engine().runKernel(SOFTMAX_ENTROPY,
 *   { logits, labels }, { uniform: false, scale: 1 / b }) as tf.Tensor[];
 * ```
 * @module
 */
import type { tf } from "../tf.ts";
import { SOFTMAX_ENTROPY } from "./names.ts";
import { asWebGpu, bindings, runProgram } from "./gpu_program.ts";

const wgsl = (uniform: boolean) => `
${
  bindings(
    ["loss", "perSample", "grad"],
    uniform ? ["z"] : ["z", "labels"],
    ["rows: u32", "classes: u32", "scale: f32"],
    { labels: "i32" },
  )
}
var<workgroup> sums: array<f32, 64>;
@compute @workgroup_size(64)
fn main(@builtin(local_invocation_id) lid: vec3<u32>) {
  var total = 0.0;
  for (var i = lid.x; i < P.rows; i += 64u) {
    let row = i * P.classes;
    var hi = z[row];
    for (var c = 1u; c < P.classes; c++) { hi = max(hi, z[row + c]); }
    var s = 0.0;
    for (var c = 0u; c < P.classes; c++) { s += exp(z[row + c] - hi); }
    let logSum = log(s);
    ${
  uniform
    ? `var mean = 0.0;
    for (var c = 0u; c < P.classes; c++) { mean += (z[row + c] - hi) - logSum; }
    let l = -mean / f32(P.classes);
    let goal = 1.0 / f32(P.classes);`
    : `let y = u32(labels[i]);
    let l = -((z[row + y] - hi) - logSum);`
}
    perSample[i] = l;
    total += l;
    for (var c = 0u; c < P.classes; c++) {
      let p = exp(z[row + c] - hi) / s;
      ${uniform ? "" : "let goal = select(0.0, 1.0, c == y);"}
      grad[row + c] = P.scale * (p - goal);
    }
  }
  sums[lid.x] = total;
  for (var k = 32u; k > 0u; k >>= 1u) {
    workgroupBarrier();
    if (lid.x < k) { sums[lid.x] += sums[lid.x + k]; }
  }
  if (lid.x == 0u) { loss[0] = sums[0] / f32(P.rows); }
}`;

function softmaxEntropy(
  args: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap },
): tf.TensorInfo[] {
  const { logits, labels } = args.inputs as Record<string, tf.TensorInfo | undefined>;
  const { uniform, scale } = args.attrs as { uniform: boolean; scale: number };
  const b = asWebGpu(args.backend);
  const [rows, classes] = logits!.shape;
  if (!uniform && (labels === undefined || labels.shape[0] !== rows)) {
    throw new Error(`${SOFTMAX_ENTROPY}: needs one label per row of [${logits!.shape}]`);
  }
  const outs = [
    b.makeTensorInfo([], "float32"),
    b.makeTensorInfo([rows], "float32"),
    b.makeTensorInfo([rows, classes], "float32"),
  ];
  runProgram(b, {
    key: `pointwise_softmax_entropy_${uniform}`,
    wgsl: () => wgsl(uniform),
    outputs: outs,
    inputs: uniform ? [logits!] : [logits!, labels!],
    params: [
      { type: "u32", value: rows },
      { type: "u32", value: classes },
      { type: "f32", value: scale },
    ],
    workgroups: [1, 1, 1],
  });
  return outs;
}

/** Kernel registration on webgpu. */
export const softmaxEntropyConfig: tf.KernelConfig = {
  kernelName: SOFTMAX_ENTROPY,
  backendName: "webgpu",
  kernelFunc: softmaxEntropy as unknown as tf.KernelFunc,
};
