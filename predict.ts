/**
 * The short way to predict: `deno run --allow-read --allow-write predict.ts
 * --model DIR IMAGE... [--out DIR]`. Same as `pointwise predict`.
 *
 * @example
 * ```sh
 * deno run --allow-read --allow-write predict.ts --model runs/synthetic slide.png
 * ```
 * @module
 */
import { main } from "./apps/cli/mod.ts";

if (import.meta.main) Deno.exit(await main(["predict", ...Deno.args], { launcher: "task" }));
