/**
 * `deno task bench:glas`: min-max entropy against WILDCAT, CAM, Grad-CAM and
 * Deep MIL on GlaS, trained on the paper's train split, selected and (unless
 * `--test` names the official test split) scored on its valid split.
 *
 * @example
 * ```sh
 * deno task bench:glas
 * deno task bench:glas --data /data/glas --test /data/glas/split/test.csv
 * ```
 * @module
 */
import { join } from "node:path";
import { PRESETS } from "@pointwise/core/lite";
import { str } from "@pointwise/cli/args";
import { runMethodBench } from "./method_bench.ts";

/** The `glas-cpu` preset: sized for two CPU cores, about 15 minutes per method. */
export const GLAS_BENCH = PRESETS["glas-cpu"];

if (import.meta.main) {
  Deno.exit(
    await runMethodBench({
      name: "glas",
      title: "GlaS",
      options: {
        data: { type: "string" },
        train: { type: "string" },
        valid: { type: "string" },
        test: { type: "string" },
      },
      optionsHelp: [
        ["--data DIR", "the GlaS folder [../shared/data/glas]"],
        ["--train CSV, --valid CSV", "split files [DIR/split/train.csv, DIR/split/valid.csv]"],
        ["--test CSV", "score this split (e.g. the official test images) instead of valid"],
      ],
      data: (values) => {
        const dir = str(values, "data", "../shared/data/glas")!;
        const test = str(values, "test");
        return {
          spec: {
            kind: "folder",
            dir,
            splits: {
              train: str(values, "train") ?? join(dir, "split", "train.csv"),
              valid: str(values, "valid") ?? join(dir, "split", "valid.csv"),
              ...(test ? { test } : {}),
            },
          },
          evalRole: test ? "test" : "valid",
        };
      },
      base: GLAS_BENCH,
      panelWidth: 200,
    }, Deno.args),
  );
}
