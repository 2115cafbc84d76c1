/**
 * `--backend auto|webgpu|wasm|cpu`: validates the flag into the core's one
 * selection setting, and initialises TensorFlow.js on the chosen backend for
 * commands that run it (loading tfjs only then).
 *
 * @example
 * ```ts ignore
 * await startBackend(values);
 * ```
 * @module
 */
import {
  BACKEND_SETTINGS,
  type BackendChoice,
  type BackendSetting,
  env,
} from "@pointwise/core/lite";
import { str, UsageError } from "./args.ts";

/** Help line for the flag. */
export const BACKEND_HELP =
  "    --backend auto|webgpu|wasm|cpu   auto: WebGPU with a real GPU adapter, else WASM-SIMD [auto]";

/** Reads and checks `--backend` into `env.backend`. */
export function backendSetting(values: Record<string, unknown>): BackendSetting {
  const setting = str(values, "backend", "auto") as BackendSetting;
  if (!BACKEND_SETTINGS.includes(setting)) {
    throw new UsageError(
      `--backend must be one of ${BACKEND_SETTINGS.join(", ")}, got '${setting}'`,
    );
  }
  env.backend = setting;
  return setting;
}

/** Initialises the requested tfjs backend and reports it on stderr. */
export async function startBackend(values: Record<string, unknown>): Promise<BackendChoice> {
  backendSetting(values);
  // Loaded here, so that commands which never run tfjs do not load it.
  const { initBackend } = await import("@pointwise/core");
  const choice = await initBackend();
  console.error(`backend: ${choice.name} (${choice.reason})`);
  return choice;
}
