/**
 * `deno task serve --model model.onnx`: the localization service and the
 * browser demo on this machine (the same handler an edge runtime runs).
 * Exit codes: 2 for a usage mistake, 1 when the model cannot be served or the
 * address cannot be listened on.
 *
 * @example
 * ```sh
 * deno task serve --model model.onnx --port 8000
 * ```
 * @module
 */
import { parseArgs } from "node:util";
import { createHandler, DEFAULT_LIMITS, type Limits, resolveLimits } from "@pointwise/worker";
import { demoAssets } from "@pointwise/worker/assets";
import { ModelFormatError, NotAPointwiseModelError } from "@pointwise/core/lite";

const HELP = `Serve a model: POST /v1/localize, GET /v1/model, GET /healthz, and the demo at /.

usage: deno task serve --model MODEL.onnx [--port 8000] [--hostname 127.0.0.1] [limits] [--backend B]

  --model FILE              an exported model (deno task export --model DIR --out model.onnx)
  --port N                  0 to 65535 [8000]; 0 picks a free port
  --hostname H              [127.0.0.1]
  --max-bytes N             largest request body [${DEFAULT_LIMITS.maxBytes}]
  --max-pixels N            largest image, width x height, read from its header [${DEFAULT_LIMITS.maxPixels}]
  --max-concurrent N        requests worked on at once [${DEFAULT_LIMITS.maxConcurrent}]
  --max-queued N            requests that may wait; more get 503 busy [${DEFAULT_LIMITS.maxQueued}]
  --body-timeout-ms N       time a request has to send its body; then 408 [${DEFAULT_LIMITS.bodyTimeoutMs}]
  --max-buffered-bytes N    bytes of bodies held at once over all requests; more get 503
                            [${DEFAULT_LIMITS.maxBufferedBytes}, at least 4 x --max-bytes]
  --backend B               auto|webgpu|wasm [auto]`;

/** A usage mistake (exit 2) or a failure (exit 1), printed without a stack trace. */
class Stop extends Error {
  constructor(message: string, readonly code: 1 | 2) {
    super(message);
  }
}

const LIMIT_FLAGS: Record<keyof Limits, string> = {
  maxBytes: "max-bytes",
  maxPixels: "max-pixels",
  maxConcurrent: "max-concurrent",
  maxQueued: "max-queued",
  bodyTimeoutMs: "body-timeout-ms",
  maxBufferedBytes: "max-buffered-bytes",
};

function wholeNumber(flag: string, v: string, min: number, max: number): number {
  const n = Number(v);
  if (v.trim() === "" || !Number.isInteger(n) || n < min || n > max) {
    throw new Stop(`--${flag} expects a whole number from ${min} to ${max}, got '${v}'`, 2);
  }
  return n;
}

/** What to do about a model file that cannot be served. */
function modelProblem(file: string, e: unknown): string {
  const exportHint = `export a run with: deno task export --model RUN --out model.onnx`;
  if (e instanceof ModelFormatError) {
    if (e.found === "safetensors") {
      return `${file} is a checkpoint, which the service does not run: export it to ONNX first ` +
        `(deno task export --model ${file} --out model.onnx)`;
    }
    return `${e.message}; ${exportHint}`;
  }
  if (e instanceof NotAPointwiseModelError) return `${e.message}; ${exportHint}`;
  return e instanceof Error ? e.message : String(e);
}

async function readModel(file: string): Promise<Uint8Array> {
  let info: Deno.FileInfo;
  try {
    info = await Deno.stat(file);
  } catch (e) {
    const why = e instanceof Deno.errors.NotFound ? "no such file" : (e as Error).message;
    throw new Stop(`cannot read model ${file}: ${why}`, 1);
  }
  if (!info.isDirectory && !info.isFile) {
    throw new Stop(`cannot read model ${file}: not a regular file (a device, pipe or socket)`, 1);
  }
  if (info.isDirectory) {
    throw new Stop(
      `${file} is a folder; the service runs an exported model: export it to ONNX first ` +
        `(deno task export --model ${file} --out model.onnx)`,
      1,
    );
  }
  try {
    return await Deno.readFile(file);
  } catch (e) {
    throw new Stop(`cannot read model ${file}: ${(e as Error).message}`, 1);
  }
}

function parse(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      options: {
        model: { type: "string" },
        port: { type: "string", default: "8000" },
        hostname: { type: "string", default: "127.0.0.1" },
        ...Object.fromEntries(
          Object.values(LIMIT_FLAGS).map((f) => [f, { type: "string" as const }]),
        ),
        backend: { type: "string", default: "auto" },
        help: { type: "boolean", short: "h" },
      },
    }).values as Record<string, string | boolean | undefined>;
  } catch (e) {
    throw new Stop(`${(e as Error).message}\n\n${HELP}`, 2);
  }
}

async function serve(argv: string[]): Promise<number> {
  const values = parse(argv);
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const model = values.model as string | undefined;
  if (!model) throw new Stop(`--model is required\n\n${HELP}`, 2);
  const port = wholeNumber("port", values.port as string, 0, 65535);
  const backend = values.backend as "auto" | "webgpu" | "wasm";
  if (!["auto", "webgpu", "wasm"].includes(backend)) {
    throw new Stop(`--backend must be auto, webgpu or wasm, got '${backend}'`, 2);
  }
  const given: Partial<Limits> = {};
  for (const [key, flag] of Object.entries(LIMIT_FLAGS) as [keyof Limits, string][]) {
    const v = values[flag];
    if (typeof v === "string") given[key] = wholeNumber(flag, v, 1, Number.MAX_SAFE_INTEGER);
  }
  let limits: Limits;
  try {
    limits = resolveLimits(given);
  } catch (e) {
    throw new Stop((e as Error).message, 2);
  }
  const bytes = await readModel(model);
  let startup: unknown;
  let started = false;
  const handler = createHandler({
    model: bytes,
    modelName: model,
    limits,
    backend,
    assets: demoAssets(),
    log: (m, e) => {
      if (!started) startup = e;
      else console.error(m, e);
    },
  });
  // Load now, so that a bad model stops the server before it listens.
  const health = await handler(new Request("http://localhost/healthz"));
  await health.body?.cancel();
  if (!health.ok) throw new Stop(modelProblem(model, startup), 1);
  started = true;
  try {
    const server = Deno.serve({
      port,
      hostname: values.hostname as string,
      onListen: ({ hostname, port }) =>
        console.error(`serving ${model} on http://${hostname}:${port}/ (demo at /)`),
    }, handler);
    await server.finished;
  } catch (e) {
    const why = e instanceof Deno.errors.AddrInUse
      ? "the address is in use"
      : e instanceof Deno.errors.PermissionDenied || e instanceof Deno.errors.NotCapable
      ? "permission denied"
      : (e as Error).message;
    throw new Stop(`cannot listen on ${values.hostname}:${port}: ${why}`, 1);
  }
  return 0;
}

if (import.meta.main) {
  let code: number;
  try {
    code = await serve(Deno.args);
  } catch (e) {
    if (!(e instanceof Stop)) throw e;
    console.error(`serve: ${e.message}`);
    code = e.code;
  }
  Deno.exit(code);
}
