/**
 * `deno task serve --model model.onnx`: the localization service and the
 * browser demo on this machine (the same handler an edge runtime runs).
 *
 * @example
 * ```sh
 * deno task serve --model model.onnx --port 8000
 * ```
 * @module
 */
import { parseArgs } from "node:util";
import { createHandler, DEFAULT_LIMITS } from "@pointwise/worker";
import { demoAssets } from "@pointwise/worker/assets";

const HELP = `Serve a model: POST /v1/localize, GET /v1/model, GET /healthz, and the demo at /.

usage: deno task serve --model MODEL.onnx [--port 8000] [--hostname 127.0.0.1] [limits] [--backend B]

  --model FILE        an exported model (deno task export --model DIR --out model.onnx)
  --port N            [8000]; 0 picks a free port
  --hostname H        [127.0.0.1]
  --max-bytes N       largest request body [${DEFAULT_LIMITS.maxBytes}]
  --max-pixels N      largest image, width x height, read from its header [${DEFAULT_LIMITS.maxPixels}]
  --max-concurrent N  requests worked on at once [${DEFAULT_LIMITS.maxConcurrent}]
  --max-queued N      requests that may wait; more get 503 busy [${DEFAULT_LIMITS.maxQueued}]
  --backend B         auto|webgpu|wasm [auto]`;

function fail(message: string, code = 2): never {
  console.error(`serve: ${message}`);
  Deno.exit(code);
}

let values;
try {
  values = parseArgs({
    args: Deno.args,
    options: {
      model: { type: "string" },
      port: { type: "string", default: "8000" },
      hostname: { type: "string", default: "127.0.0.1" },
      "max-bytes": { type: "string" },
      "max-pixels": { type: "string" },
      "max-concurrent": { type: "string" },
      "max-queued": { type: "string" },
      backend: { type: "string", default: "auto" },
      help: { type: "boolean", short: "h" },
    },
  }).values;
} catch (e) {
  fail(`${(e as Error).message}\n\n${HELP}`);
}
if (values.help) {
  console.log(HELP);
  Deno.exit(0);
}
if (!values.model) fail(`--model is required\n\n${HELP}`);
const int = (name: string, v: string | undefined) => {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < (name === "port" ? 0 : 1)) {
    fail(`--${name} expects a whole number${name === "port" ? "" : " above 0"}, got '${v}'`);
  }
  return n;
};
const backend = values.backend as "auto" | "webgpu" | "wasm";
if (!["auto", "webgpu", "wasm"].includes(backend)) fail(`--backend must be auto, webgpu or wasm`);

let model: Uint8Array;
try {
  model = await Deno.readFile(values.model);
} catch (e) {
  fail(`${values.model}: ${(e as Error).message}`, 1);
}
const LIMIT_FLAGS = {
  maxBytes: "max-bytes",
  maxPixels: "max-pixels",
  maxConcurrent: "max-concurrent",
  maxQueued: "max-queued",
} as const;
const limits: Record<string, number | undefined> = {};
for (const [key, flag] of Object.entries(LIMIT_FLAGS)) {
  if (values[flag] !== undefined) limits[key] = int(flag, values[flag]);
}
const handler = createHandler({ model, limits, backend, assets: demoAssets() });
// Load now, so that a bad model stops the server before it listens.
const health = await handler(new Request("http://localhost/healthz"));
if (!health.ok) fail(`${values.model}: the model does not load (see above)`, 1);

Deno.serve({
  port: int("port", values.port),
  hostname: values.hostname,
  onListen: ({ hostname, port }) =>
    console.error(`serving ${values.model} on http://${hostname}:${port}/ (demo at /)`),
}, handler);
