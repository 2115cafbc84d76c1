/**
 * Prints what a weight import matched and left out.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { printReport } from "./weights_report.ts";
 * const lines: string[] = [];
 * const error = console.error;
 * console.error = (line: string) => lines.push(line);
 * try {
 *   printReport("resnet18.safetensors", "torchvision", {
 *     loaded: ["conv1.weight"], skipped: ["fc.weight"], missing: [], unexpected: [], mismatched: [],
 *   });
 * } finally {
 *   console.error = error;
 * }
 * assert.match(lines[0], /^imported 1 tensors from resnet18\.safetensors \(torchvision naming\); skipped 1/);
 * ```
 * @module
 */
import type { WeightsReport } from "@pointwise/core/io";

const brief = (xs: string[]) =>
  xs.length <= 6 ? xs.join(", ") : `${xs.slice(0, 6).join(", ")} and ${xs.length - 6} more`;

/** One summary line, plus a line per kind of problem that was let through. */
export function printReport(file: string, naming: string, r: WeightsReport, into = ""): void {
  console.error(
    `imported ${r.loaded.length} tensors from ${file} (${naming} naming)${into}; skipped ${r.skipped.length}${
      r.skipped.length ? `: ${brief(r.skipped)}` : ""
    }`,
  );
  if (r.missing.length) {
    console.error(
      `  not in the file, left as initialised (${r.missing.length}): ${brief(r.missing)}`,
    );
  }
  if (r.unexpected.length) {
    console.error(
      `  in the file but not in the model (${r.unexpected.length}): ${brief(r.unexpected)}`,
    );
  }
  if (r.mismatched.length) {
    console.error(
      `  wrong shape or dtype, not used (${r.mismatched.length}): ${brief(r.mismatched)}`,
    );
  }
}
