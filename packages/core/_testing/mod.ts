/**
 * Helpers shared by the core's tests: seeded tensors, running a function on
 * a given backend, and closeness checks.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { tf } from "../backend/tf.ts";
 * import { onBackend, relErr, tensorFrom } from "./mod.ts";
 * const [a] = await onBackend("cpu", () => tf.square(tensorFrom([2, 3], 1)));
 * const [b] = await onBackend("wasm", () => tf.square(tensorFrom([2, 3], 1)));
 * assert.ok(relErr(b, a) < 1e-6); // the same seeded values, squared on two backends
 * ```
 * @module
 */
import { tf } from "../backend/tf.ts";
import type { BackendName } from "../config/env.ts";
import { initBackend } from "../backend/backend.ts";
import { Rng } from "../util/rng.ts";
import type { NetOptions } from "../model/minmax_net.ts";
import type { Config } from "../config/config.ts";
import { PRESETS } from "../config/presets.ts";
import { withOverrides } from "../config/validate_config.ts";
import { buildMinMaxNet } from "../model/build.ts";
import { encodeCheckpoint } from "../io/checkpoint.ts";
import { exportOnnx } from "../onnx/export_onnx.ts";

/** Normal random values with a fixed seed. */
function randn(n: number, seed: number, scale = 1): Float32Array {
  const r = new Rng(seed);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = r.normal() * scale;
  return out;
}

/** A float32 tensor of the given shape filled with seeded normal values. */
export function tensorFrom(shape: number[], seed: number, scale = 1): tf.Tensor {
  return tf.tensor(randn(shape.reduce((a, b) => a * b, 1), seed, scale), shape);
}

/**
 * Switches to `backend`, runs `fn` and returns the values of the tensors it
 * returns as plain arrays (so that nothing stays on that backend).
 */
export async function onBackend(
  backend: BackendName,
  fn: () => tf.Tensor | tf.Tensor[],
): Promise<Float32Array[]> {
  await initBackend(backend);
  const out = tf.tidy(fn);
  const list = Array.isArray(out) ? out : [out];
  const values = await Promise.all(list.map((t) => t.data() as Promise<Float32Array>));
  tf.dispose(list);
  return values.map((v) => Float32Array.from(v));
}

/** Relative L2 error ||a - b|| / max(||b||, tiny). */
export function relErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} != ${b.length}`);
  let num = 0;
  let den = 0;
  for (let i = 0; i < a.length; i++) {
    num += (a[i] - b[i]) ** 2;
    den += b[i] ** 2;
  }
  return Math.sqrt(num) / Math.max(Math.sqrt(den), 1e-30);
}

/** Largest absolute difference. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} != ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/** Options of a tiny network for tests; `o` overrides any of them. */
export function tinyNetOptions(o: Partial<NetOptions> = {}): NetOptions {
  return {
    arch: "resnet18",
    deepStem: false,
    width: 0.125,
    classes: 2,
    modalities: 2,
    kmax: 0.09,
    dropout: 0,
    maskW: 8,
    maskSigma: 0.5,
    classifierScale: 0.5,
    maskUpsample: "align-corners",
    outputStride: 32,
    ...o,
  };
}

/** The settings of the tiny min-max network of {@link tinyCheckpoint} and {@link tinyOnnx}. */
export const TINY_CONFIG: Config = withOverrides(PRESETS.cpu, { width: 0.0625, modalities: 2 });

/** A tiny, untrained min-max model as checkpoint bytes. */
export async function tinyCheckpoint(
  classes = ["stripes", "dots"],
  seed = 0,
): Promise<{ bytes: Uint8Array; config: Config }> {
  const net = buildMinMaxNet(TINY_CONFIG, classes, new Rng(seed));
  const weights = await net.store.read();
  net.dispose();
  return {
    bytes: encodeCheckpoint({ config: TINY_CONFIG, classes, weights }),
    config: TINY_CONFIG,
  };
}

/** A tiny, untrained min-max model exported to ONNX; `overrides` change its settings. */
export async function tinyOnnx(
  classes = ["stripes", "dots"],
  seed = 0,
  overrides: Partial<Config> = {},
): Promise<Uint8Array> {
  const config = withOverrides(TINY_CONFIG, overrides);
  const net = buildMinMaxNet(config, classes, new Rng(seed));
  const weights = await net.store.read();
  net.dispose();
  return exportOnnx({ config, classes, weights });
}

export { serveCutShort, serveFiles } from "./http_fixture.ts";
export { requireWebGpu } from "./webgpu.ts";
