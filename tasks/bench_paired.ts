/**
 * Paired timings for `deno task bench`: tfjs and its reference timed in turn,
 * round after round, so that both see the same host (its speed drifts by up
 * to a third within minutes here); and what the bench's tables share (their
 * networks, the median, the seconds' format).
 *
 * @example
 * ```ts ignore
 * const { wasmOverRaw, ratios } = await pairedRounds(5, () => predict(), () => reference());
 * ```
 * @module
 */

import { PRESETS, withOverrides } from "@pointwise/core/lite";

/**
 * The benches' networks, at the reference's output stride 32 as PyTorch's
 * twin (tasks/bench_torch.py) builds them: the `cpu` preset's and ResNet-18
 * at full width (tasks/bench_recipe_cost.ts times the preset's stride 16).
 */
export const cpuPreset = withOverrides(PRESETS.cpu, { outputStride: 32 });
/** ResNet-18 at full width, otherwise {@link cpuPreset}. */
export const full = withOverrides(cpuPreset, { width: 1 });

/** Seconds as the tables print them. */
export const seconds = (v: number): string => `${v.toFixed(3)} s`;

/** The median of `a` (the mean of the two middle values for an even count). */
export function median(a: number[]): number {
  const s = [...a].sort((x, y) => x - y);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/** A reference's median time in seconds, or why it is missing. */
export interface OrtTiming {
  median?: number;
  missing?: string;
}

/** Rounds of the paired timings: each times tfjs, then the reference in a process of its own. */
export const ROUNDS = 3;

/**
 * tfjs and its reference (onnxruntime-node's raw run, or PyTorch's step),
 * timed in turn, round after round: this host's speed drifts by up to a
 * third within minutes, so the ratio is the median of each round's ratio of
 * medians, measured while both saw the same host. Returns every tfjs time
 * (after one warm-up), the reference's median of round medians, that ratio
 * and each round's ratio.
 */
export async function pairedRounds(
  runs: number,
  predict: () => Promise<unknown>,
  raw: () => Promise<OrtTiming>,
): Promise<{ times: number[]; node2: OrtTiming; wasmOverRaw?: number; ratios: number[] }> {
  await predict();
  const times: number[] = [], raws: number[] = [], ratios: number[] = [];
  let missing: string | undefined;
  for (let r = 0; r < ROUNDS; r++) {
    const round: number[] = [];
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      await predict();
      round.push((performance.now() - t0) / 1000);
    }
    times.push(...round);
    const node = await raw();
    missing ??= node.missing;
    if (node.median === undefined) continue;
    raws.push(node.median);
    ratios.push(median(round) / node.median);
  }
  if (raws.length === 0) return { times, node2: { missing }, ratios };
  return { times, node2: { median: median(raws) }, wasmOverRaw: median(ratios), ratios };
}
