/**
 * The `pointwise` command line: `train`, `eval`, `predict`, `import` and
 * `export` (`pointwise --help` lists them; `pointwise <command> --help`
 * gives each one's options).
 *
 * @example
 * ```sh
 * deno run --allow-read --allow-write apps/cli/main.ts train --epochs 3
 * ```
 * @module
 */
import { main } from "./mod.ts";

if (import.meta.main) Deno.exit(await main(Deno.args));
