/**
 * Peak resident memory of this process, from Linux's /proc: `VmHWM` is the
 * high-water mark, and writing 5 to `clear_refs` resets it, so that each
 * benchmark case gets its own peak. Elsewhere it reports nothing.
 *
 * @example
 * ```ts ignore
 * resetPeakRss();
 * await work();
 * const mib = peakRssMiB(); // undefined off Linux
 * ```
 * @module
 */

/** Starts a new high-water mark; false when the host cannot. */
export function resetPeakRss(): boolean {
  try {
    Deno.writeTextFileSync("/proc/self/clear_refs", "5");
    return true;
  } catch {
    return false;
  }
}

/** The high-water mark of resident memory in MiB, or undefined when unknown. */
export function peakRssMiB(): number | undefined {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(Deno.readTextFileSync("/proc/self/status"));
    return m ? Number(m[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}
