/**
 * Backend selection, in one place. `env.backend` is the one setting:
 * `auto` picks WebGPU only when `navigator.gpu` gives a real (not fallback,
 * i.e. not software) adapter, and WASM-SIMD otherwise. The pure-JS cpu
 * backend is used only when asked for by name.
 *
 * @example
 * ```ts ignore
 * import { env, initBackend } from "./backend.ts";
 * env.backend = "wasm";
 * const choice = await initBackend();
 * console.log(choice.name, choice.reason);
 * ```
 * @module
 */
import { tf } from "./tf.ts";
import { registerWasmTrainingKernels } from "./wasm_kernels/mod.ts";

/** A backend that Pointwise can run on. */
export type BackendName = "webgpu" | "wasm" | "cpu";
/** A backend request: a name, or `auto`. */
export type BackendSetting = BackendName | "auto";

/** Every accepted value of {@link BackendSetting}, for CLI validation. */
export const BACKEND_SETTINGS: readonly BackendSetting[] = ["auto", "webgpu", "wasm", "cpu"];

/** Runtime settings shared by everything that runs tensors. */
export const env: { backend: BackendSetting } = { backend: "auto" };

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

/** Asks `navigator.gpu` for an adapter and reports what kind it is. */
export async function probeWebGpu(): Promise<WebGpuProbe> {
  const gpu = (globalThis.navigator as { gpu?: { requestAdapter(): Promise<unknown> } })?.gpu;
  if (gpu === undefined) {
    return { adapter: false, fallback: false, description: "no navigator.gpu" };
  }
  let adapter: AdapterLike | null;
  try {
    adapter = (await gpu.requestAdapter()) as AdapterLike | null;
  } catch (e) {
    return { adapter: false, fallback: false, description: `requestAdapter failed: ${e}` };
  }
  if (adapter === null) return { adapter: false, fallback: false, description: "no adapter" };
  const fallback = Boolean(adapter.info?.isFallbackAdapter ?? adapter.isFallbackAdapter);
  const description = adapter.info?.description || adapter.info?.device || "unnamed adapter";
  return { adapter: true, fallback, description };
}

/** Resolves a setting to a backend name, without initialising anything. */
export async function resolveBackend(
  setting: BackendSetting = env.backend,
): Promise<BackendChoice> {
  if (setting !== "auto") return { name: setting, reason: "requested" };
  const probe = await probeWebGpu();
  if (probe.adapter && !probe.fallback) {
    return { name: "webgpu", reason: `GPU adapter: ${probe.description}` };
  }
  const why = probe.adapter ? `only a software adapter (${probe.description})` : probe.description;
  return { name: "wasm", reason: `no usable GPU: ${why}` };
}

async function register(name: BackendName): Promise<void> {
  if (name === "wasm") {
    await import("@tensorflow/tfjs-backend-wasm");
    registerWasmTrainingKernels();
  } else if (name === "webgpu") {
    await import("@tensorflow/tfjs-backend-webgpu");
  }
}

/**
 * Makes the chosen backend the active tfjs backend. Fails loudly rather than
 * falling back to another backend.
 */
export async function initBackend(setting: BackendSetting = env.backend): Promise<BackendChoice> {
  if (!BACKEND_SETTINGS.includes(setting)) {
    throw new Error(
      `unknown backend '${setting}' (expected one of ${BACKEND_SETTINGS.join(", ")})`,
    );
  }
  const choice = await resolveBackend(setting);
  await register(choice.name);
  let ok = false;
  try {
    ok = await tf.setBackend(choice.name);
  } catch (e) {
    throw new Error(`backend ${choice.name} failed to initialise: ${e}`);
  }
  if (!ok || tf.getBackend() !== choice.name) {
    throw new Error(`backend ${choice.name} failed to initialise`);
  }
  await tf.ready();
  if (choice.name === "wasm") {
    const simd = tf.env().getBool("WASM_HAS_SIMD_SUPPORT");
    choice.reason += simd ? "; WASM-SIMD" : "; WASM without SIMD";
  }
  return choice;
}
