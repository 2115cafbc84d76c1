/**
 * Matches the tensors of a safetensors file to a model's parameters through
 * a naming scheme, converting PyTorch filters (OIHW) to tfjs (HWIO). Matching
 * is strict: missing, unexpected and mis-shaped tensors are all listed in one
 * error; with `allowPartial` the matching ones are kept and the rest reported.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { importWeights, isBackboneParameter, WeightsMismatchError } from "./import_weights.ts";
 * import { TORCHVISION_NAMING } from "./naming/mod.ts";
 * import { decodeSafetensors, encodeSafetensors } from "./safetensors.ts";
 * // A torchvision file: an OIHW stem filter and the ImageNet classifier.
 * const file = decodeSafetensors(
 *   encodeSafetensors(new Map([
 *     ["conv1.weight", { shape: [2, 3, 1, 1], data: new Float32Array(6) }],
 *     ["fc.weight", { shape: [10, 2], data: new Float32Array(20) }],
 *   ])),
 *   "resnet.safetensors",
 * );
 * // The model's parameters (a network's ParamStore in practice).
 * const shapes = new Map([["conv1.weight", [1, 1, 3, 2]], ["headseg.to_modalities.weight", [1, 1, 2, 4]]]);
 * const model = { names: () => [...shapes.keys()], get: (n: string) => ({ shape: shapes.get(n)! }) };
 * const { values, report } = importWeights(file, TORCHVISION_NAMING, model, {
 *   fileName: "resnet.safetensors",
 *   scope: isBackboneParameter,
 * });
 * assert.deepEqual(values.get("conv1.weight")?.shape, [1, 1, 3, 2]); // now HWIO
 * assert.deepEqual(report.skipped, ["fc.weight"]);
 * assert.throws(
 *   () => importWeights(file, TORCHVISION_NAMING, model, { fileName: "resnet.safetensors" }),
 *   WeightsMismatchError, // the heads are missing when they are in scope
 * );
 * ```
 * @module
 */
import type { NamedArray } from "../util/named_array.ts";
import { oihwToHwio } from "./layout.ts";
import { internalName, type NamingScheme } from "./naming/mod.ts";
import type { SafetensorsFile } from "./safetensors.ts";

/** What the import matched, skipped and could not place. */
export interface WeightsReport {
  /** Parameters given a value. */
  loaded: string[];
  /** File tensors known but not used (e.g. `fc.*`, `num_batches_tracked`, out-of-scope heads). */
  skipped: string[];
  /** In-scope parameters the file does not provide. */
  missing: string[];
  /** File tensors the scheme does not know, or that the model does not have. */
  unexpected: string[];
  /** Tensors whose shape or dtype does not fit. */
  mismatched: string[];
}

/**
 * A weights file that does not fit the model: every problem is in `report`.
 * Callers may offer to keep what matches (`allowPartial`).
 */
export class WeightsMismatchError extends Error {
  override name = "WeightsMismatchError";

  /**
   * @param file the weights file.
   * @param naming the naming scheme the file was read under.
   * @param report what matched and what did not.
   */
  constructor(readonly file: string, readonly naming: string, readonly report: WeightsReport) {
    const list = (what: string, xs: string[]) =>
      xs.length
        ? [`${what} (${xs.length}): ${xs.slice(0, 12).join(", ")}${xs.length > 12 ? ", ..." : ""}`]
        : [];
    super(
      `${file} does not match the model under ${naming} naming:\n  ` +
        [
          ...list("missing", report.missing),
          ...list("unexpected", report.unexpected),
          ...list("wrong shape or dtype", report.mismatched),
        ].join("\n  "),
    );
  }
}

/** The target of an import: parameter names and shapes. */
export interface WeightsTarget {
  names(): string[];
  get(name: string): { shape: number[] };
}

/** Options of {@link importWeights}. */
export interface ImportOptions {
  /** The file, for messages. */
  fileName: string;
  /** Keep what matches instead of failing on any problem. */
  allowPartial?: boolean;
  /** The parameters to fill (default: all). Tensors for others are skipped. */
  scope?: (name: string) => boolean;
}

/**
 * True for the ResNet's own parameters (stem and layer1-4), which every
 * method shares; false for any head (min-max's two, or a baseline's).
 *
 * @param name a parameter's name.
 * @returns whether it belongs to the backbone.
 */
export function isBackboneParameter(name: string): boolean {
  return /^(conv\d|bn\d|layer\d)\./.test(name);
}

/**
 * Matches `file` to `target`.
 *
 * @param file the weights file.
 * @param scheme how it names its tensors.
 * @param target the model's parameter names and shapes.
 * @param o the file's name, the scope, and `allowPartial`.
 * @returns the values to assign, the mask settings found (`w`, `sigma`) and the report.
 * @throws {WeightsMismatchError} listing every problem, unless `allowPartial`.
 */
export function importWeights(
  file: SafetensorsFile,
  scheme: NamingScheme,
  target: WeightsTarget,
  o: ImportOptions,
): { values: Map<string, NamedArray>; settings: Record<string, number>; report: WeightsReport } {
  const inScope = o.scope ?? (() => true);
  const wanted = new Set(target.names().filter(inScope));
  const all = new Set(target.names());
  const report: WeightsReport = {
    loaded: [],
    skipped: [],
    missing: [],
    unexpected: [],
    mismatched: [],
  };
  const values = new Map<string, NamedArray>();
  const settings: Record<string, number> = {};
  const misfit = new Set<string>();

  for (const [ext, info] of file.others) {
    const name = internalName(scheme, ext);
    if (name === null) report.skipped.push(ext);
    else if (name === undefined) report.unexpected.push(ext);
    else report.mismatched.push(`${ext}: dtype ${info.dtype}, a floating-point tensor is needed`);
  }
  for (const [ext, t] of file.tensors) {
    const setting = scheme.settings?.[ext];
    if (setting !== undefined) {
      if (t.data.length !== 1) {
        report.mismatched.push(`${ext}: expected one value, found ${t.data.length}`);
      } else settings[setting] = t.data[0];
      continue;
    }
    const name = internalName(scheme, ext);
    if (name === null) {
      report.skipped.push(ext);
      continue;
    }
    if (name === undefined || !all.has(name)) {
      report.unexpected.push(ext);
      continue;
    }
    if (!wanted.has(name)) {
      report.skipped.push(ext);
      continue;
    }
    const value = oihwToHwio(t);
    const want = target.get(name).shape;
    if (value.shape.join(",") !== want.join(",")) {
      const as = t.shape.length === 4 ? ` (OIHW [${t.shape}])` : "";
      report.mismatched.push(`${ext}: [${value.shape}]${as} but the model has [${want}]`);
      misfit.add(name);
      continue;
    }
    values.set(name, value);
    report.loaded.push(name);
  }
  for (const name of wanted) if (!values.has(name) && !misfit.has(name)) report.missing.push(name);

  const problems = report.missing.length + report.unexpected.length + report.mismatched.length;
  if (problems > 0 && !o.allowPartial) {
    throw new WeightsMismatchError(o.fileName, scheme.name, report);
  }
  return { values, settings, report };
}
