/**
 * `deno task export`: the CLI's `export` command.
 *
 * @example
 * ```sh
 * deno task export --model runs/synthetic --out model.safetensors
 * ```
 * @module
 */
import { main } from "@pointwise/cli";

if (import.meta.main) Deno.exit(await main(["export", ...Deno.args], { launcher: "task" }));
