/**
 * The WGSL of the batch-norm kernels (`batch_norm.ts` dispatches them).
 * Buffers are NHWC tensors seen as [rows, channels]; `partial` holds one
 * record per chunk of rows and channel.
 *
 * @example
 * ```ts ignore
 * runProgram(b, { key: "bn_stats_partial", wgsl: () => STATS_PARTIAL, ... });
 * ```
 * @module
 */
import { bindings, flatIndex } from "./gpu_program.ts";

/** Uniforms of the per-chunk passes. */
export const GEOMETRY = ["rows: u32", "channels: u32", "rowsPerChunk: u32", "chunks: u32"];

/** The forward's output value, shared by the backward's ReLU mask. */
export const NORMALISE = `
fn normalised(v: f32, m: f32, s: f32, g: f32, b: f32) -> f32 {
  return (v - m) * s * g + b;
}`;

// Partial (count, mean, M2) per chunk and channel, Welford within a thread.
export const STATS_PARTIAL = `
${bindings(["partial"], ["x"], GEOMETRY)}
var<workgroup> sN: array<f32, 256>;
var<workgroup> sMean: array<f32, 256>;
var<workgroup> sM2: array<f32, 256>;
@compute @workgroup_size(64, 4)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let c = wg.x * 64u + lid.x;
  let start = wg.y * P.rowsPerChunk;
  let end = min(P.rows, start + P.rowsPerChunk);
  var n = 0.0;
  var mean = 0.0;
  var m2 = 0.0;
  if (c < P.channels) {
    for (var r = start + lid.y; r < end; r += 4u) {
      let v = x[r * P.channels + c];
      n += 1.0;
      let d = v - mean;
      mean += d / n;
      m2 += d * (v - mean);
    }
  }
  let t = lid.y * 64u + lid.x;
  sN[t] = n;
  sMean[t] = mean;
  sM2[t] = m2;
  workgroupBarrier();
  if (lid.y == 0u && c < P.channels) {
    for (var l = 1u; l < 4u; l++) {
      let o = l * 64u + lid.x;
      let nb = sN[o];
      if (nb > 0.0) {
        let na = n;
        n = na + nb;
        let d = sMean[o] - mean;
        mean += d * nb / n;
        m2 += sM2[o] + d * d * na * nb / n;
      }
    }
    let at = (wg.y * P.channels + c) * 3u;
    partial[at] = n;
    partial[at + 1u] = mean;
    partial[at + 2u] = m2;
  }
}`;

export const STATS_FINAL = `
${bindings(["mean", "variance", "invStd"], ["partial"], [...GEOMETRY, "eps: f32"])}
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let c = gid.x;
  if (c >= P.channels) { return; }
  var n = 0.0;
  var m = 0.0;
  var m2 = 0.0;
  for (var k = 0u; k < P.chunks; k++) {
    let at = (k * P.channels + c) * 3u;
    let nb = partial[at];
    if (nb > 0.0) {
      let na = n;
      n = na + nb;
      let d = partial[at + 1u] - m;
      m += d * nb / n;
      m2 += partial[at + 2u] + d * d * na * nb / n;
    }
  }
  let v = m2 / n;
  mean[c] = m;
  variance[c] = v;
  invStd[c] = 1.0 / sqrt(v + P.eps);
}`;

export const apply = (relu: boolean) => `
${bindings(["y"], ["x", "mean", "invStd", "gamma", "beta"], ["size: u32", "channels: u32"])}
${NORMALISE}
@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = ${flatIndex()};
  if (i >= P.size) { return; }
  let c = i % P.channels;
  let v = normalised(x[i], mean[c], invStd[c], gamma[c], beta[c]);
  y[i] = ${relu ? "max(v, 0.0)" : "v"};
}`;

// Backward partial sums of g and g * xhat (g = dy, masked by ReLU's step).
export const gradPartial = (relu: boolean) => `
${
  bindings(
    ["partial"],
    relu ? ["dy", "x", "mean", "invStd", "gamma", "beta"] : ["dy", "x", "mean", "invStd"],
    GEOMETRY,
  )
}
${NORMALISE}
var<workgroup> sG: array<f32, 256>;
var<workgroup> sGx: array<f32, 256>;
@compute @workgroup_size(64, 4)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let c = wg.x * 64u + lid.x;
  let start = wg.y * P.rowsPerChunk;
  let end = min(P.rows, start + P.rowsPerChunk);
  var sg = 0.0;
  var sgx = 0.0;
  if (c < P.channels) {
    let m = mean[c];
    let s = invStd[c];
    for (var r = start + lid.y; r < end; r += 4u) {
      let i = r * P.channels + c;
      ${
  relu
    ? "let g = select(0.0, dy[i], normalised(x[i], m, s, gamma[c], beta[c]) > 0.0);"
    : "let g = dy[i];"
}
      sg += g;
      sgx += g * ((x[i] - m) * s);
    }
  }
  let t = lid.y * 64u + lid.x;
  sG[t] = sg;
  sGx[t] = sgx;
  workgroupBarrier();
  if (lid.y == 0u && c < P.channels) {
    let at = (wg.y * P.channels + c) * 2u;
    partial[at] = sG[lid.x] + sG[64u + lid.x] + sG[128u + lid.x] + sG[192u + lid.x];
    partial[at + 1u] = sGx[lid.x] + sGx[64u + lid.x] + sGx[128u + lid.x] + sGx[192u + lid.x];
  }
}`;

// Per channel: dgamma, dbeta, and the coefficients of the elementwise pass
// (mean, invStd, gamma, beta, dbeta/n, dgamma/n, gamma invStd), packed so
// that pass binds three buffers (WebGPU guarantees only eight per shader).
export const gradFinal = (relu: boolean) => `
${
  bindings(
    ["dgamma", "dbeta", "coef"],
    ["partial", "mean", "invStd", "gamma", ...(relu ? ["beta"] : [])],
    [...GEOMETRY, "count: f32"],
  )
}
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let c = gid.x;
  if (c >= P.channels) { return; }
  var sg = 0.0;
  var sgx = 0.0;
  for (var k = 0u; k < P.chunks; k++) {
    let at = (k * P.channels + c) * 2u;
    sg += partial[at];
    sgx += partial[at + 1u];
  }
  dbeta[c] = sg;
  dgamma[c] = sgx;
  let at = c * 8u;
  coef[at] = mean[c];
  coef[at + 1u] = invStd[c];
  coef[at + 2u] = gamma[c];
  coef[at + 3u] = ${relu ? "beta[c]" : "0.0"};
  coef[at + 4u] = sg / P.count;
  coef[at + 5u] = sgx / P.count;
  coef[at + 6u] = gamma[c] * invStd[c];
}`;

export const gradApply = (relu: boolean) => `
${bindings(["dx"], ["dy", "x", "coef"], ["size: u32", "channels: u32"])}
${NORMALISE}
@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = ${flatIndex()};
  if (i >= P.size) { return; }
  let at = (i % P.channels) * 8u;
  let m = coef[at];
  let s = coef[at + 1u];
  ${
  relu
    ? "let g = select(0.0, dy[i], normalised(x[i], m, s, coef[at + 2u], coef[at + 3u]) > 0.0);"
    : "let g = dy[i];"
}
  let xhat = (x[i] - m) * s;
  let centred = (g - coef[at + 4u]) - xhat * coef[at + 5u];
  dx[i] = centred * coef[at + 6u];
}`;

export const RUNNING_STATS = `
${
  bindings(["newMean", "newVar"], ["rm", "rv", "m", "v"], [
    "channels: u32",
    "momentum: f32",
    "unbias: f32",
  ])
}
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let c = gid.x;
  if (c >= P.channels) { return; }
  newMean[c] = (1.0 - P.momentum) * rm[c] + P.momentum * m[c];
  newVar[c] = (1.0 - P.momentum) * rv[c] + P.momentum * v[c] * P.unbias;
}`;
