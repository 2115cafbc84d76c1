/**
 * `deno task serve --model model.onnx`: `pointwise serve`, the localization
 * service and the browser demo on this machine (the same handler an edge
 * runtime runs). `deno task serve --help` lists the options.
 *
 * @example
 * ```sh
 * deno task serve --model model.onnx --port 8000
 * ```
 * @module
 */
import { main } from "@pointwise/cli";

Deno.exit(await main(["serve", ...Deno.args], { launcher: "task" }));
