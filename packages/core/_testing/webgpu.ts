/**
 * The WebGPU adapter the webgpu tests run on. These tests must run, not be
 * skipped: without an adapter (on Linux, Debian's mesa-vulkan-drivers and
 * libvulkan1 give the software one, lavapipe) they fail and say why. The
 * adapter is printed once per test file, so a log shows what ran them.
 *
 * @example
 * ```ts ignore
 * const adapter = await requireWebGpu(); // "llvmpipe (LLVM 15.0.6, 256 bits), software"
 * ```
 * @module
 */
import { probeWebGpu } from "../backend/select.ts";

let described: string | undefined;

/** Describes the adapter (and prints it the first time); throws when there is none. */
export async function requireWebGpu(): Promise<string> {
  if (described !== undefined) return described;
  const probe = await probeWebGpu();
  if (!probe.adapter) {
    throw new Error(
      `no WebGPU adapter (${probe.description}): the webgpu tests need one; on Debian ` +
        "install mesa-vulkan-drivers and libvulkan1 for the software adapter",
    );
  }
  described = `${probe.description}${probe.fallback ? ", software" : ""}`;
  console.log(`WebGPU adapter: ${described}`);
  return described;
}
