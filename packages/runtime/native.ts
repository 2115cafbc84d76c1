/**
 * The native runtime: onnxruntime-node, whose CPU build ships inside its npm
 * package (nothing is downloaded: `deno install` does not run its install
 * script, and `ONNXRUNTIME_NODE_INSTALL=skip` keeps npm from running it).
 * It loads where the host can load a native library: in Deno with
 * `--allow-ffi` (the binding is a Node-API addon), on Linux, macOS and
 * Windows. Browsers, web workers and edge runtimes cannot, and run
 * onnxruntime-web. Whether it can load is asked without a prompt.
 *
 * @example
 * ```ts
 * import { nativeBlocker } from "./native.ts";
 * const why = nativeBlocker(); // undefined where it may load, else the reason
 * ```
 * @module
 */
import type * as Ort from "onnxruntime-web";

/** The npm package; named through a variable, so that bundlers for the web leave it out. */
const PACKAGE = "onnxruntime-node";

/** Platforms with a binary in the package (`bin/napi-v6/<platform>/<arch>`). */
const BINARIES: Record<string, string[]> = {
  linux: ["x86_64", "aarch64"],
  darwin: ["aarch64"],
  windows: ["x86_64", "aarch64"],
};

type DenoLike = {
  build?: { os: string; arch: string };
  permissions?: { querySync?(d: { name: string; path?: string }): { state: string } };
};

/** Where the package's binding lies, when the host resolves the package. */
function bindingPath(deno: DenoLike): string | undefined {
  try {
    const entry = new URL(import.meta.resolve(PACKAGE));
    if (entry.protocol !== "file:") return undefined;
    const os = { linux: "linux", darwin: "darwin", windows: "win32" }[deno.build!.os];
    const arch = deno.build!.arch === "x86_64" ? "x64" : "arm64";
    const file = new URL(`../bin/napi-v6/${os}/${arch}/onnxruntime_binding.node`, entry);
    return decodeURIComponent(file.pathname);
  } catch {
    return undefined;
  }
}

/**
 * Why the native runtime cannot load here, or undefined when it may: not
 * Deno, a platform without a binary, or no permission to load it (asked
 * with `Deno.permissions.querySync`, which never prompts).
 */
export function nativeBlocker(): string | undefined {
  const deno = (globalThis as { Deno?: DenoLike }).Deno;
  if (deno?.permissions?.querySync === undefined || deno.build === undefined) {
    return "this host is not Deno (browsers and edge runtimes run onnxruntime-web)";
  }
  const { os, arch } = deno.build;
  if (!(BINARIES[os] ?? []).includes(arch)) {
    return `onnxruntime-node has no build for ${os} ${arch}`;
  }
  if (deno.permissions.querySync({ name: "ffi" }).state === "granted") return undefined;
  const binding = bindingPath(deno);
  if (binding && deno.permissions.querySync({ name: "ffi", path: binding }).state === "granted") {
    return undefined;
  }
  return "it needs --allow-ffi (its binding is a native library)";
}

let loaded: Promise<typeof Ort> | undefined;

/**
 * Imports onnxruntime-node (once). Both onnxruntime packages implement
 * onnxruntime-common's API (`InferenceSession`, `Tensor`), so the rest of
 * the runtime takes either through the web package's types.
 */
export function importNative(): Promise<typeof Ort> {
  return loaded ??= (import(PACKAGE) as Promise<typeof Ort>).catch((e) => {
    loaded = undefined;
    throw new Error(`onnxruntime-node cannot be loaded: ${(e as Error).message.split("\n")[0]}`);
  });
}

/** A session on onnxruntime-node's CPU provider with `threads` intra-op threads. */
export async function createNativeSession(
  bytes: Uint8Array,
  threads: number,
): Promise<{ ort: typeof Ort; session: Ort.InferenceSession }> {
  const ort = await importNative();
  const session = await ort.InferenceSession.create(bytes, {
    executionProviders: ["cpu"],
    intraOpNumThreads: threads,
    // One graph, run one image at a time: nothing runs beside it.
    interOpNumThreads: 1,
    graphOptimizationLevel: "all",
    logSeverityLevel: 3,
  });
  return { ort, session };
}
