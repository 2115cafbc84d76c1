/**
 * `--backend auto|webgpu|wasm|cpu`: validates the flag, initialises the
 * backend through the core's one selection module and prints the choice.
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
  initBackend,
} from "@pointwise/core";
import { str, UsageError } from "./args.ts";

/** Help line for the flag. */
export const BACKEND_HELP =
  "    --backend auto|webgpu|wasm|cpu   auto: WebGPU with a real GPU adapter, else WASM-SIMD [auto]";

/** Initialises the requested backend and reports it on stderr. */
export async function startBackend(values: Record<string, unknown>): Promise<BackendChoice> {
  const setting = str(values, "backend", "auto") as BackendSetting;
  if (!BACKEND_SETTINGS.includes(setting)) {
    throw new UsageError(
      `--backend must be one of ${BACKEND_SETTINGS.join(", ")}, got '${setting}'`,
    );
  }
  env.backend = setting;
  const choice = await initBackend();
  console.error(`backend: ${choice.name} (${choice.reason})`);
  return choice;
}
