/**
 * `deno task eval|import|weights ...`: runs the CLI's command named first,
 * with messages that name `deno task` commands (see apps/cli/program.ts).
 *
 * @example
 * ```sh
 * deno task eval --model runs/synthetic
 * ```
 * @module
 */
import { main } from "@pointwise/cli";

if (import.meta.main) Deno.exit(await main(Deno.args, { launcher: "task" }));
