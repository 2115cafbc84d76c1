/**
 * `deno task train`: the CLI's `train` command. With no flags it trains the
 * `cpu` preset on the built-in synthetic dataset and prints test scores.
 *
 * @example
 * ```sh
 * deno task train --epochs 3
 * ```
 * @module
 */
import { main } from "@pointwise/cli";

if (import.meta.main) Deno.exit(await main(["train", ...Deno.args], { launcher: "task" }));
