/**
 * Where tensors run, decided without loading any tensor library.
 * `env.backend` and `env.threads` (`config/env.ts`) are the one setting, for
 * TensorFlow.js and for onnxruntime alike (`@pointwise/runtime` reads them when it picks an
 * execution provider): `auto` picks WebGPU only when `navigator.gpu` gives a
 * real (not fallback, i.e. not software) adapter, and WASM-SIMD otherwise.
 * The pure-JS cpu backend of tfjs is used only when asked for by name.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkSetting, resolveBackend } from "./select.ts";
 * // A backend asked for by name is taken as is; `auto` (the default) probes the GPU.
 * assert.deepEqual(await resolveBackend("wasm"), { name: "wasm", reason: "requested" });
 * assert.throws(() => checkSetting("gpu"), /unknown backend 'gpu'/);
 * ```
 * @module
 */
import { quietWayland } from "./quiet_wayland.ts";
import { BACKEND_SETTINGS, type BackendName, type BackendSetting, env } from "../config/env.ts";

/** What a WebGPU probe found. */
export interface WebGpuProbe {
  /** An adapter was returned. */
  adapter: boolean;
  /** The adapter is a fallback (software) one, such as lavapipe or llvmpipe. */
  fallback: boolean;
  /** The adapter's description, when it gives one. */
  description: string;
}

/** The backend in use and why it was chosen. */
export interface BackendChoice {
  name: BackendName;
  reason: string;
}

interface AdapterLike {
  isFallbackAdapter?: boolean;
  info?: { isFallbackAdapter?: boolean; description?: string; device?: string };
}

/**
 * Asks `navigator.gpu` for an adapter and reports what kind it is.
 *
 * @returns whether there is an adapter, whether it is a fallback one, and its description.
 */
export async function probeWebGpu(): Promise<WebGpuProbe> {
  const gpu = (globalThis.navigator as { gpu?: { requestAdapter(): Promise<unknown> } })?.gpu;
  if (gpu === undefined) {
    return { adapter: false, fallback: false, description: "no navigator.gpu" };
  }
  let adapter: AdapterLike | null;
  const restore = quietWayland();
  try {
    adapter = (await gpu.requestAdapter()) as AdapterLike | null;
  } catch (e) {
    return { adapter: false, fallback: false, description: `requestAdapter failed: ${e}` };
  } finally {
    restore();
  }
  if (adapter === null) return { adapter: false, fallback: false, description: "no adapter" };
  const fallback = Boolean(adapter.info?.isFallbackAdapter ?? adapter.isFallbackAdapter);
  const description = adapter.info?.description || adapter.info?.device || "unnamed adapter";
  return { adapter: true, fallback, description };
}

/** A backend that a runtime cannot run on (onnxruntime has no pure-JS `cpu` backend). */
export class UnsupportedBackendError extends Error {
  override name = "UnsupportedBackendError";

  /**
   * @param backend the backend asked for.
   * @param runtime the runtime that lacks it.
   */
  constructor(readonly backend: BackendSetting, readonly runtime: string) {
    super(`${runtime} has no ${backend} backend`);
  }
}

/**
 * Throws for a setting that is not one of {@link BACKEND_SETTINGS}.
 *
 * @param setting a backend request, as given.
 * @throws {Error} listing the accepted settings.
 */
export function checkSetting(setting: string): asserts setting is BackendSetting {
  if (!BACKEND_SETTINGS.includes(setting as BackendSetting)) {
    throw new Error(
      `unknown backend '${setting}' (expected one of ${BACKEND_SETTINGS.join(", ")})`,
    );
  }
}

/**
 * Resolves a setting to a TensorFlow.js backend, without initialising anything.
 *
 * @param setting the backend request [env.backend].
 * @returns the backend and why it was chosen.
 * @throws {Error} for a setting that is not one of {@link BACKEND_SETTINGS}.
 */
export async function resolveBackend(
  setting: BackendSetting = env.backend,
): Promise<BackendChoice> {
  checkSetting(setting);
  if (setting !== "auto") return { name: setting, reason: "requested" };
  const probe = await probeWebGpu();
  if (probe.adapter && !probe.fallback) {
    return { name: "webgpu", reason: `GPU adapter: ${probe.description}` };
  }
  const why = probe.adapter ? `only a software adapter (${probe.description})` : probe.description;
  return { name: "wasm", reason: `no usable GPU: ${why}` };
}

/**
 * Threads the WASM backends may use: all cores (at most 8, tfjs's pool size)
 * where threads are possible, i.e. in Deno or on a cross-origin-isolated
 * page; otherwise one.
 *
 * @returns the threads, 1 to 8.
 */
export function defaultThreads(): number {
  const g = globalThis as {
    Deno?: {
      env: { get(k: string): string | undefined };
      permissions?: { querySync?(d: { name: "env"; variable: string }): { state: string } };
    };
    crossOriginIsolated?: boolean;
  };
  // Deno only, where already allowed: POINTWISE_THREADS sets the default (the
  // test task uses 1, as parallel test files would otherwise oversubscribe the
  // cores). Asking first matters: reading an env variable without permission
  // stops a command at a prompt when a terminal is attached.
  try {
    const state = g.Deno?.permissions?.querySync?.({ name: "env", variable: "POINTWISE_THREADS" })
      .state;
    if (state === "granted") {
      const n = Number(g.Deno!.env.get("POINTWISE_THREADS"));
      if (Number.isInteger(n) && n >= 1) return Math.min(n, 8);
    }
  } catch {
    // No permission API: the default below.
  }
  const canThread = g.Deno !== undefined || g.crossOriginIsolated === true;
  const cores = (globalThis.navigator as { hardwareConcurrency?: number })?.hardwareConcurrency ??
    1;
  return canThread ? Math.max(1, Math.min(cores, 8)) : 1;
}
