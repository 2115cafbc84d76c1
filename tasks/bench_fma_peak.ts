/**
 * The machine's native 128-bit FMA peak (`simd_peak/fma128.c`, compiled with
 * the host's C compiler, `$CC` or `cc`, with `-O2 -mfma`): the rate at which
 * `deno task bench` puts each step's hardware bound. It needs an x86-64 C
 * compiler; without one the bench reports the bound as missing.
 *
 * @example
 * ```ts ignore
 * const peak = await fmaPeak(2); // { gflops: 112.4 } or { missing: "..." }
 * ```
 * @module
 */
import { fileURLToPath } from "node:url";
import { join } from "node:path";

/** GFLOP/s over all threads, or why there is none. */
export interface FmaPeak {
  gflops?: number;
  missing?: string;
}

/** Compiles and runs the probe on `threads` threads; the best of `runs`. */
export async function fmaPeak(threads: number, runs = 3): Promise<FmaPeak> {
  const dir = await Deno.makeTempDir({ prefix: "pointwise-fma-" });
  try {
    const exe = join(dir, "fma128");
    const source = fileURLToPath(new URL("./simd_peak/fma128.c", import.meta.url));
    const cc = Deno.env.get("CC") ?? "cc";
    const built = await new Deno.Command(cc, {
      args: ["-O2", "-mfma", "-pthread", "-o", exe, source],
      stdout: "null",
      stderr: "piped",
    }).output();
    if (!built.success) {
      return { missing: `${cc} failed: ${new TextDecoder().decode(built.stderr).split("\n")[0]}` };
    }
    let best = 0;
    for (let r = 0; r < runs; r++) {
      const out = await new Deno.Command(exe, { args: [String(threads)], stdout: "piped" })
        .output();
      if (!out.success) return { missing: `the FMA probe exited with ${out.code}` };
      best = Math.max(best, Number(new TextDecoder().decode(out.stdout)));
    }
    return { gflops: best };
  } catch (e) {
    return {
      missing: `no C compiler to build the FMA probe (${(e as Error).message.split("\n")[0]})`,
    };
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

if (import.meta.main) {
  for (const threads of [1, 2]) {
    const p = await fmaPeak(threads);
    console.log(threads, p.gflops?.toFixed(1) ?? p.missing);
  }
}
