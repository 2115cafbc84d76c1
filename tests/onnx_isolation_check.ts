// Run by onnx_cli_test.ts in its own process: predicts with an .onnx model
// through the CLI, then reports whether TensorFlow.js was ever loaded.
import { main } from "../apps/cli/mod.ts";

const code = await main(["predict", ...Deno.args]);
const loaded = typeof (globalThis as Record<string, unknown>)._tfengine !== "undefined";
console.log(JSON.stringify({ code, tfjsLoaded: loaded }));
