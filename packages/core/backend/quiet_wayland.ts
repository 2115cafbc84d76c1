/**
 * libwayland's noise silenced while a WebGPU adapter is asked for: Deno
 * only, where already allowed. Asked for an adapter, Mesa's Vulkan drivers
 * load libwayland, which on a machine without a session (a server, a
 * container, CI) prints "error: XDG_RUNTIME_DIR is invalid or not set in the
 * environment." twice: to a user, two errors of ours. The backend probe and
 * the WebGPU backend's start both ask.
 *
 * @example
 * ```ts ignore
 * const restore = quietWayland();
 * try {
 *   await navigator.gpu.requestAdapter();
 * } finally {
 *   restore();
 * }
 * ```
 * @module
 */

/** Deno's environment and temporary directories, as far as {@link quietWayland} uses them. */
interface DenoForWayland {
  env: {
    get(k: string): string | undefined;
    set(k: string, v: string): void;
    delete(k: string): void;
  };
  permissions?: {
    querySync?(d: { name: "env"; variable: string } | { name: "write" }): { state: string };
  };
  makeTempDirSync(o: { prefix: string }): string;
  removeSync(path: string): void;
}

/**
 * Until the returned function runs, XDG_RUNTIME_DIR names an empty private
 * directory (libwayland then finds no display there and says nothing, as it
 * finds none anyway); after, both are gone. It needs the variable and writing anywhere (the temporary
 * directory) granted; asking first matters: a terminal would otherwise stop
 * at a prompt.
 *
 * @returns what puts things back.
 */
export function quietWayland(): () => void {
  const d = (globalThis as { Deno?: DenoForWayland }).Deno;
  try {
    const permissions = d?.permissions;
    if (d === undefined || permissions?.querySync === undefined) return () => {};
    const granted = (p: { name: "env"; variable: string } | { name: "write" }) =>
      permissions.querySync!(p).state === "granted";
    const allowed = granted({ name: "env", variable: "XDG_RUNTIME_DIR" }) &&
      granted({ name: "write" });
    if (!allowed || d.env.get("XDG_RUNTIME_DIR")) return () => {};
    const dir = d.makeTempDirSync({ prefix: "pointwise-xdg-" });
    d.env.set("XDG_RUNTIME_DIR", dir);
    return () => {
      d.env.delete("XDG_RUNTIME_DIR");
      try {
        d.removeSync(dir);
      } catch {
        // Left behind, empty: not worth failing the probe for.
      }
    };
  } catch {
    // The directory could not be made: the messages stay.
    return () => {};
  }
}
