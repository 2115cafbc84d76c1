/**
 * Backbone weights from a Pointwise checkpoint (any method's: min-max, WILDCAT,
 * CAM, ...), to warm-start another run. The tensors are already in
 * Pointwise's own names and layouts (HWIO filters), so nothing is renamed or
 * transposed. The optimiser's momentum and every head are left out; the
 * backbone is matched strictly: a backbone tensor the model lacks, one it
 * has that the checkpoint lacks, or one of another shape (another
 * architecture or width) is an error listing them all, unless
 * `allowPartial`. The output stride may differ: it changes no tensor.
 *
 * @example
 * ```ts ignore
 * const { values, report } = backboneFromCheckpoint(decodeCheckpoint(bytes, "best.safetensors"),
 *   net.store, { fileName: "best.safetensors" });
 * net.store.assignPartial(values);
 * ```
 * @module
 */
import type { NamedArray } from "../util/named_array.ts";
import type { Checkpoint } from "./checkpoint.ts";
import {
  isBackboneParameter,
  WeightsMismatchError,
  type WeightsReport,
  type WeightsTarget,
} from "./import_weights.ts";

/** The name {@link backboneFromCheckpoint}'s reports give its naming. */
export const POINTWISE_NAMING = "pointwise";

/**
 * Matches a checkpoint's backbone to `target`'s.
 *
 * @throws {WeightsMismatchError} listing every problem, unless `allowPartial`.
 */
export function backboneFromCheckpoint(
  c: Checkpoint,
  target: WeightsTarget,
  o: { fileName: string; allowPartial?: boolean },
): { values: Map<string, NamedArray>; report: WeightsReport } {
  const report: WeightsReport = {
    loaded: [],
    skipped: [],
    missing: [],
    unexpected: [],
    mismatched: [],
  };
  const values = new Map<string, NamedArray>();
  const wanted = new Set(target.names().filter(isBackboneParameter));
  for (const [name, t] of c.weights) {
    if (!isBackboneParameter(name)) {
      report.skipped.push(name); // a head
    } else if (!wanted.has(name)) {
      report.unexpected.push(name);
    } else {
      const want = target.get(name).shape;
      if (t.shape.join(",") !== want.join(",")) {
        report.mismatched.push(`${name}: [${t.shape}] but the model has [${want}]`);
        wanted.delete(name);
      } else {
        values.set(name, t);
        report.loaded.push(name);
      }
    }
  }
  for (const name of wanted) if (!values.has(name)) report.missing.push(name);
  const problems = report.missing.length + report.unexpected.length + report.mismatched.length;
  if (problems > 0 && !o.allowPartial) {
    const cfg = c.config;
    const what = `a Pointwise ${cfg.arch}${
      cfg.deepStem ? " deep-stem" : ""
    } x${cfg.width} checkpoint`;
    throw new WeightsMismatchError(`${o.fileName} (${what})`, POINTWISE_NAMING, report);
  }
  return { values, report };
}
