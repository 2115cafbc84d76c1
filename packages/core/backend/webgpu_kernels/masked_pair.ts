/**
 * The pseudo-binary mask and the two masked inputs in one kernel:
 * R+ = sigmoid(w ((M+ - min) / max(max - min, 1e-12) - sigma)), with the
 * min and max over the whole batch tensor (the reference's normalisation),
 * X+ = X R+ and X- = X (1 - R+). Two dispatches: partial min/max per
 * workgroup, then one elementwise pass whose workgroups first merge those
 * partials. Without X it gives R+ alone (the erasing loop's mask).
 *
 * Composed from tfjs ops this is two full reductions, five elementwise
 * passes for R+ and three for the products.
 *
 * Its gradient treats M+ as a constant, as the method does (M+ is detached):
 * dX = dX+ R+ + dX- (1 - R+), dM+ = 0.
 *
 * @example
 * ```ts ignore
 * const [mask, pos, neg] = tf.engine().runKernel(MASKED_PAIR, { m, x }, { w: 8, sigma: 0.5 });
 * ```
 * @module
 */
import { tf } from "../tf.ts";
import { MASKED_PAIR } from "./names.ts";
import { asWebGpu, bindings, flatIndex, grid, runProgram, WORKGROUP } from "./gpu_program.ts";

/** Workgroups of the min/max pass: each merges its share of M+. */
const PARTIALS = 256;

const MIN_MAX = `
${bindings(["partial"], ["m"], ["size: u32", "groups: u32"])}
var<workgroup> lo: array<f32, 256>;
var<workgroup> hi: array<f32, 256>;
@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  var a = 3.4028235e38;
  var b = -3.4028235e38;
  for (var i = wg.x * 256u + lid.x; i < P.size; i += P.groups * 256u) {
    a = min(a, m[i]);
    b = max(b, m[i]);
  }
  lo[lid.x] = a;
  hi[lid.x] = b;
  for (var s = 128u; s > 0u; s >>= 1u) {
    workgroupBarrier();
    if (lid.x < s) {
      lo[lid.x] = min(lo[lid.x], lo[lid.x + s]);
      hi[lid.x] = max(hi[lid.x], hi[lid.x + s]);
    }
  }
  if (lid.x == 0u) {
    partial[2u * wg.x] = lo[0];
    partial[2u * wg.x + 1u] = hi[0];
  }
}`;

const apply = (withX: boolean) => `
${
  bindings(
    withX ? ["mask", "pos", "neg"] : ["mask"],
    withX ? ["m", "partial", "x"] : [
      "m",
      "partial",
    ],
    ["size: u32", "channels: u32", "groups: u32", "w: f32", "sigma: f32"],
  )
}
var<workgroup> lo: array<f32, 256>;
var<workgroup> hi: array<f32, 256>;
@compute @workgroup_size(256)
fn main(
  @builtin(global_invocation_id) gid: vec3<u32>,
  @builtin(num_workgroups) nwg: vec3<u32>,
  @builtin(local_invocation_id) lid: vec3<u32>,
) {
  var a = 3.4028235e38;
  var b = -3.4028235e38;
  if (lid.x < P.groups) {
    a = partial[2u * lid.x];
    b = partial[2u * lid.x + 1u];
  }
  lo[lid.x] = a;
  hi[lid.x] = b;
  for (var s = 128u; s > 0u; s >>= 1u) {
    workgroupBarrier();
    if (lid.x < s) {
      lo[lid.x] = min(lo[lid.x], lo[lid.x + s]);
      hi[lid.x] = max(hi[lid.x], hi[lid.x + s]);
    }
  }
  workgroupBarrier();
  let low = lo[0];
  let range = max(hi[0] - low, 1e-12);
  let i = ${flatIndex()};
  if (i >= P.size) { return; }
  let pixel = i / P.channels;
  let r = 1.0 / (1.0 + exp(-(((m[pixel] - low) / range - P.sigma) * P.w)));
  ${
  withX
    ? `if (i % P.channels == 0u) { mask[pixel] = r; }
  pos[i] = x[i] * r;
  neg[i] = x[i] * (1.0 - r);`
    : "mask[i] = r;"
}
}`;

function maskedPair(
  args: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap },
): tf.TensorInfo[] {
  const { m, x } = args.inputs as Record<string, tf.TensorInfo | undefined>;
  const { w, sigma } = args.attrs as { w: number; sigma: number };
  const b = asWebGpu(args.backend);
  const pixels = m!.shape.reduce((a, v) => a * v, 1);
  const groups = Math.min(PARTIALS, Math.ceil(pixels / WORKGROUP));
  const partial = b.makeTensorInfo([2 * groups], "float32");
  const withX = x !== undefined;
  const channels = withX ? x.shape[x.shape.length - 1] : 1;
  if (withX && x.shape.reduce((a, v) => a * v, 1) !== pixels * channels) {
    throw new Error(`${MASKED_PAIR}: M+ [${m!.shape}] does not match X [${x.shape}]`);
  }
  const outs = withX
    ? [m!.shape, x.shape, x.shape].map((s) => b.makeTensorInfo(s, "float32"))
    : [b.makeTensorInfo(m!.shape, "float32")];
  try {
    runProgram(b, {
      key: "pointwise_masked_pair_minmax",
      wgsl: () => MIN_MAX,
      outputs: [partial],
      inputs: [m!],
      params: [{ type: "u32", value: pixels }, { type: "u32", value: groups }],
      workgroups: [groups, 1, 1],
    });
    const size = pixels * channels;
    runProgram(b, {
      key: `pointwise_masked_pair_apply_${withX}`,
      wgsl: () => apply(withX),
      outputs: outs,
      inputs: withX ? [m!, partial, x] : [m!, partial],
      params: [
        { type: "u32", value: size },
        { type: "u32", value: channels },
        { type: "u32", value: groups },
        { type: "f32", value: w },
        { type: "f32", value: sigma },
      ],
      workgroups: grid(size),
    });
  } finally {
    b.disposeData(partial.dataId);
  }
  return outs;
}

/** Kernel registration on webgpu. */
export const maskedPairConfig: tf.KernelConfig = {
  kernelName: MASKED_PAIR,
  backendName: "webgpu",
  kernelFunc: maskedPair as unknown as tf.KernelFunc,
};

/** The kernel's gradient: M+ is a constant; X gets dX+ R+ + dX- (1 - R+). */
export const maskedPairGradConfig: tf.GradConfig = {
  kernelName: MASKED_PAIR,
  outputsToSave: [true, false, false],
  gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
    const [mask] = saved;
    const [, dPos, dNeg] = Array.isArray(dy) ? dy : [dy];
    return {
      m: () => tf.zerosLike(mask),
      x: () => tf.add(tf.mul(dPos, mask), tf.mul(dNeg, tf.sub(1, mask))),
    };
  },
};
