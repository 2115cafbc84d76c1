/**
 * Which onnxruntime runs an exported model, and on what: the one place that
 * choice is made, from the runtime setting (`auto`, `web`, `native`) and the
 * core's backend setting (`env.backend`, `env.threads`).
 *
 * - `web`: onnxruntime-web, with WebGPU where `auto` finds a real GPU
 *   adapter or `webgpu` is asked for, else WASM-SIMD with threads;
 * - `native`: onnxruntime-node's CPU provider with as many threads (Deno
 *   with `--allow-ffi` only; see `native.ts`);
 * - `auto` (the default): native where it can load and the backend setting
 *   is `auto` or `cpu`, else web. Asking for `wasm` or `webgpu` by name
 *   keeps onnxruntime-web; so does any host where native cannot load
 *   (browsers, edge runtimes, Deno without `--allow-ffi`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { UnsupportedBackendError } from "@pointwise/core/lite";
 * import { resolveOrtProvider } from "./provider.ts";
 * const choice = await resolveOrtProvider("wasm", "web");
 * assert.equal(choice.provider, "wasm");
 * assert.ok(choice.threads >= 1);
 * // onnxruntime-web has no pure-JS provider
 * await assert.rejects(resolveOrtProvider("cpu", "web"), UnsupportedBackendError);
 * ```
 * @module
 */
import {
  type BackendSetting,
  checkSetting,
  defaultThreads,
  env,
  resolveBackend,
  UnsupportedBackendError,
} from "@pointwise/core/lite";
import { importNative, nativeBlocker } from "./native.ts";

/** The runtime settings: which onnxruntime runs exported models. */
export const RUNTIME_SETTINGS = ["auto", "web", "native"] as const;
/** A runtime setting. */
export type RuntimeSetting = typeof RUNTIME_SETTINGS[number];

/** onnxruntime's package, execution provider and threads, and why. */
export interface OrtChoice {
  /** onnxruntime-web or onnxruntime-node. */
  runtime: "web" | "native";
  provider: "webgpu" | "wasm" | "cpu";
  /** Threads of the wasm or native CPU provider (the webgpu provider's CPU fallback runs on one). */
  threads: number;
  reason: string;
}

/** The native runtime was asked for and cannot run here, or cannot take the backend asked for. */
export class RuntimeUnavailableError extends Error {
  override name = "RuntimeUnavailableError";

  /**
   * @param runtime the runtime asked for.
   * @param reason why not, as a sentence that follows "native runtime:".
   * @param fix whether the caller can fix it (a permission or a setting) rather than the host.
   */
  constructor(
    readonly runtime: RuntimeSetting,
    readonly reason: string,
    readonly fix: "permission" | "setting" | "host",
  ) {
    super(`the ${runtime} runtime (onnxruntime-node) cannot run here: ${reason}`);
  }
}

/** Checks a runtime setting. */
export function checkRuntime(setting: string): RuntimeSetting {
  if (!(RUNTIME_SETTINGS as readonly string[]).includes(setting)) {
    throw new RangeError(`runtime must be one of ${RUNTIME_SETTINGS.join(", ")}, got '${setting}'`);
  }
  return setting as RuntimeSetting;
}

function threads(): number {
  return env.threads > 0 ? env.threads : defaultThreads();
}

/** Resolves the native runtime, or says why it cannot run. */
async function nativeChoice(
  backend: BackendSetting,
  why: string,
): Promise<OrtChoice | RuntimeUnavailableError> {
  if (backend === "webgpu" || backend === "wasm") {
    return new RuntimeUnavailableError(
      "native",
      `--backend ${backend} is onnxruntime-web's; the native runtime runs on the CPU ` +
        "(use --backend auto or cpu)",
      "setting",
    );
  }
  const blocker = nativeBlocker();
  if (blocker !== undefined) {
    return new RuntimeUnavailableError(
      "native",
      blocker,
      blocker.includes("--allow-ffi") ? "permission" : "host",
    );
  }
  try {
    await importNative();
  } catch (e) {
    return new RuntimeUnavailableError("native", (e as Error).message, "host");
  }
  const n = threads();
  return {
    runtime: "native",
    provider: "cpu",
    threads: n,
    reason: `${why}; native CPU, ${n} thread${n > 1 ? "s" : ""}`,
  };
}

/** onnxruntime-web's provider for a backend setting. */
async function webChoice(setting: BackendSetting, note = ""): Promise<OrtChoice> {
  if (setting === "cpu") throw new UnsupportedBackendError(setting, "onnxruntime-web");
  const choice = await resolveBackend(setting);
  if (choice.name === "webgpu") {
    // With the webgpu entry point, onnxruntime's wasm fallback cannot start worker threads.
    return { runtime: "web", provider: "webgpu", threads: 1, reason: choice.reason + note };
  }
  const n = threads();
  return {
    runtime: "web",
    provider: "wasm",
    threads: n,
    reason: `${choice.reason}; WASM-SIMD, ${n} thread${n > 1 ? "s" : ""}${note}`,
  };
}

/**
 * Resolves a backend and runtime setting to an onnxruntime and provider.
 *
 * @param setting the backend setting [env.backend].
 * @param runtime the runtime setting [auto].
 * @throws {UnsupportedBackendError} for `cpu` on onnxruntime-web.
 * @throws {RuntimeUnavailableError} for `native` where it cannot run.
 */
export async function resolveOrtProvider(
  setting: BackendSetting = env.backend,
  runtime: RuntimeSetting = "auto",
): Promise<OrtChoice> {
  checkSetting(setting);
  checkRuntime(runtime);
  if (runtime === "web") return await webChoice(setting);
  if (runtime === "native") {
    const native = await nativeChoice(setting, "asked for");
    if (native instanceof RuntimeUnavailableError) throw native;
    return native;
  }
  // auto: a web backend asked for by name stays web; otherwise native where it loads.
  if (setting === "wasm" || setting === "webgpu") return await webChoice(setting);
  const native = await nativeChoice(setting, "runtime auto: onnxruntime-node loads here");
  if (!(native instanceof RuntimeUnavailableError)) return native;
  if (setting === "cpu") throw new UnsupportedBackendError(setting, "onnxruntime-web");
  return await webChoice(setting, `; onnxruntime-web, as native cannot run: ${native.reason}`);
}
