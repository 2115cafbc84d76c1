/**
 * The `pointwise` command line: `train`, `eval` and `predict`.
 *
 * @example
 * ```sh
 * deno run --allow-read --allow-write --allow-env apps/cli/main.ts train --epochs 3
 * ```
 * @module
 */
import { main } from "./mod.ts";

if (import.meta.main) Deno.exit(await main(Deno.args));
