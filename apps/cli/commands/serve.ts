/**
 * `pointwise serve`: the localization service and the browser demo on this
 * machine, the same handler an edge runtime runs (`@pointwise/worker`). The
 * model is opened as `predict` opens it (a run folder or a file, the same
 * `--backend` and `--threads`), but the service runs exported ONNX models
 * only: a checkpoint is refused with the export command to run. The model
 * loads before the server listens, so a bad one stops it at once.
 *
 * @example
 * ```sh
 * deno run --allow-read --allow-net apps/cli/main.ts serve --model model.onnx --port 8000
 * ```
 * @module
 */
import {
  createHandler,
  DEFAULT_LIMITS,
  type Limits,
  LocalizeService,
  resolveLimits,
} from "@pointwise/worker";
import { demoAssets } from "@pointwise/worker/assets";
import { ModelFormatError, sniffFileType } from "@pointwise/core/lite";
import { COMMON_OPTIONS, parseCommand, str, UsageError } from "../args.ts";
import {
  BACKEND_HELP,
  backendSetting,
  RUNTIME_HELP,
  RUNTIME_OPTIONS,
  runtimeSetting,
} from "../flags/backend_flags.ts";
import { readFileFor } from "../files.ts";
import { helpRows, helpSection } from "../console/help.ts";
import { commandLine } from "../program.ts";
import { resolveModelPath } from "../run_folder.ts";

const LIMIT_FLAGS = {
  maxBytes: "max-bytes",
  maxPixels: "max-pixels",
  maxConcurrent: "max-concurrent",
  maxQueued: "max-queued",
  bodyTimeoutMs: "body-timeout-ms",
  maxBufferedBytes: "max-buffered-bytes",
} as const;

const OPTIONS = {
  ...COMMON_OPTIONS,
  ...RUNTIME_OPTIONS,
  model: { type: "string" },
  port: { type: "string" },
  hostname: { type: "string" },
  ...Object.fromEntries(Object.values(LIMIT_FLAGS).map((f) => [f, { type: "string" }])),
} as const;

/** Help text of the command. */
export function serveHelp(): string {
  const model = helpRows([
    [
      "--model FILE|DIR",
      `an exported model (${
        commandLine("export")
      } --model RUN --out model.onnx); a run folder or ` +
      "checkpoint is refused with that command",
    ],
  ]);
  const server = helpSection("server", [
    ["--port N", "[8000]; 0 picks a free port"],
    ["--hostname H", "[127.0.0.1]"],
  ]);
  const limits = helpSection("limits", [
    ["--max-bytes N", `largest request body [${DEFAULT_LIMITS.maxBytes}]`],
    [
      "--max-pixels N",
      `largest image, width x height, read from its header [${DEFAULT_LIMITS.maxPixels}]`,
    ],
    ["--max-concurrent N", `requests worked on at once [${DEFAULT_LIMITS.maxConcurrent}]`],
    ["--max-queued N", `requests that may wait; more get 503 busy [${DEFAULT_LIMITS.maxQueued}]`],
    [
      "--body-timeout-ms N",
      `time a request has to send its body; then 408 [${DEFAULT_LIMITS.bodyTimeoutMs}]`,
    ],
    [
      "--max-buffered-bytes N",
      "bytes of bodies held at once over all requests; more get 503 " +
      `[${DEFAULT_LIMITS.maxBufferedBytes}, at least 4 x --max-bytes]`,
    ],
  ]);
  return `Serve a model over HTTP: POST /v1/localize, GET /v1/model, GET /healthz, the demo at /.

usage: ${commandLine("serve")} --model MODEL.onnx [options]

model:
${model}
${server}
${limits}
${BACKEND_HELP}
${RUNTIME_HELP}

Each request is logged on stdout as one line of JSON (method, path, status, bytes, ms).`;
}

/** A whole number flag in [min, max]. */
function whole(values: Record<string, unknown>, flag: string, min: number, max = Infinity) {
  const raw = str(values, flag);
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (raw.trim() === "" || !Number.isInteger(n) || n < min || n > max) {
    const range = max === Infinity ? `above ${min - 1}` : `from ${min} to ${max}`;
    throw new UsageError(`--${flag} expects a whole number ${range}, got '${raw}'`);
  }
  return n;
}

/** Runs the command: serves until interrupted; returns the exit code. */
export async function serve(argv: string[]): Promise<number> {
  // Options only: a stray argument (a second model?) is refused, not ignored while serving.
  const { values } = parseCommand(argv, OPTIONS, false);
  if (values.help) {
    console.log(serveHelp());
    return 0;
  }
  const model = str(values, "model");
  if (model === undefined) throw new UsageError("--model is required");
  const port = whole(values, "port", 0, 65535) ?? 8000;
  const hostname = str(values, "hostname", "127.0.0.1")!;
  const given: Partial<Limits> = {};
  for (const [key, flag] of Object.entries(LIMIT_FLAGS)) {
    const v = whole(values, flag, 1);
    if (v !== undefined) given[key as keyof Limits] = v;
  }
  let limits: Limits;
  try {
    limits = resolveLimits(given);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const backend = backendSetting(values);
  const runtime = runtimeSetting(values);
  const path = await resolveModelPath(model);
  const bytes = await readFileFor(path, "model");
  const found = sniffFileType(bytes);
  if (found === "safetensors" || found === "pytorch" || found === "pickle") {
    throw new ModelFormatError(path, found, ["onnx"]);
  }
  // Loaded before listening: a model that does not load stops the server here.
  const service = await LocalizeService.load(bytes, { limits, backend, runtime, name: path });
  console.error(`runtime: ${service.localizer.runtime.name}, ${service.localizer.runtime.reason}`);
  const handler = createHandler({
    model: bytes,
    service,
    limits,
    assets: demoAssets(),
    log: (message, e) => console.error(message, e),
  });
  let server: Deno.HttpServer;
  try {
    server = Deno.serve({
      port,
      hostname,
      onListen: (a) =>
        console.error(`serving ${path} on http://${a.hostname}:${a.port}/ (demo at /)`),
    }, handler);
  } catch (e) {
    await service.dispose();
    throw new Error(`cannot listen on ${hostname}:${port}: ${(e as Error).message}`);
  }
  const stop = () => server.shutdown();
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    try {
      Deno.addSignalListener(signal, stop);
    } catch {
      // Not every platform has every signal (Windows has no SIGTERM).
    }
  }
  await server.finished;
  await service.dispose();
  return 0;
}
