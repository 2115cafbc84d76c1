/**
 * `deno task export`: the CLI's `export` command.
 *
 * @example
 * ```sh
 * deno task export --model runs/synthetic --out model.safetensors
 * ```
 * @module
 */
import { main } from "../apps/cli/mod.ts";

if (import.meta.main) Deno.exit(await main(["export", ...Deno.args]));
