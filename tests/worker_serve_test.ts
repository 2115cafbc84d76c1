// `deno task serve` (`pointwise serve`) and `deno serve apps/worker/edge.ts` as
// a user runs them: flags, a bad model, and a running server answering every
// route, `curl -F` included.
import assert from "node:assert/strict";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { DEMO_VENDOR_FILES } from "@pointwise/worker/assets";
import { runScript, syntheticPngs, tinyCheckpoint, tinyOnnx } from "./_helpers.ts";
import { startServe, startServer } from "./_server.ts";

const tmp = await Deno.makeTempDir({ prefix: "pointwise-serve-" });
const modelPath = join(tmp, "model.onnx");
await Deno.writeFile(modelPath, await tinyOnnx());
const [png] = await syntheticPngs([90]);
const SERVE = ["--allow-net", "--allow-env"];

Deno.test("serve: --help, a missing flag and a bad model file get clear answers", async () => {
  const help = await runScript("tasks/serve.ts", ["--help"], SERVE);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /usage: deno task serve --model MODEL\.onnx/);
  const none = await runScript("tasks/serve.ts", [], SERVE);
  assert.equal(none.code, 2);
  assert.match(none.stderr, /--model is required/);
  const bad = join(tmp, "bad.onnx");
  await Deno.writeTextFile(bad, "not a model");
  const r = await runScript("tasks/serve.ts", ["--model", bad, "--port", "0"], SERVE);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /bad\.onnx: not a valid ONNX model/);
  assert.doesNotMatch(r.stderr, /\n\s+at /, "no stack trace");
  const zero = await runScript("tasks/serve.ts", ["--model", modelPath, "--max-bytes", "0"], SERVE);
  assert.equal(zero.code, 2);
  assert.match(zero.stderr, /--max-bytes expects a whole number above 0, got '0'/);
  for (const port of ["70000", "abc", "1.5"]) {
    const p = await runScript("tasks/serve.ts", ["--model", modelPath, "--port", port], SERVE);
    assert.equal(p.code, 2, port);
    assert.match(p.stderr, /--port expects a whole number from 0 to 65535/);
  }
  const missing = await runScript("tasks/serve.ts", ["--model", join(tmp, "nope.onnx")], SERVE);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /cannot read model .*nope\.onnx: no such file/);
});

Deno.test("serve: a checkpoint or a run folder is refused with the export command", async () => {
  const run = join(tmp, "run");
  await Deno.mkdir(run);
  await Deno.writeFile(join(run, "best.safetensors"), (await tinyCheckpoint()).bytes);
  for (const model of [run, join(run, "best.safetensors")]) {
    const r = await runScript("tasks/serve.ts", ["--model", model, "--port", "0"], SERVE);
    assert.equal(r.code, 1);
    assert.match(
      r.stderr,
      /best\.safetensors.*export it to ONNX first: deno task export --model .*best\.safetensors --out model\.onnx/,
    );
  }
});

Deno.test("serve: the API and the demo page's files, with cross-origin isolation", async () => {
  const server = await startServe(modelPath);
  try {
    assert.deepEqual(await (await fetch(`${server.base}/healthz`)).json(), { status: "ok" });
    const r = await fetch(`${server.base}/v1/localize`, { method: "POST", body: png as BodyInit });
    assert.equal(r.status, 200);
    assert.ok(["stripes", "dots"].includes((await r.json()).class));
    // What a user types: curl with a multipart form.
    const image = join(tmp, "a.png");
    await Deno.writeFile(image, png);
    const curl = await new Deno.Command("curl", {
      args: ["-s", "-F", `file=@${image}`, `${server.base}/v1/localize?threshold=0.4`],
      stdout: "piped",
    }).output().catch(() => undefined);
    if (curl === undefined) console.warn("curl is not installed: the curl -F check is skipped");
    else {
      const body = JSON.parse(new TextDecoder().decode(curl.stdout));
      assert.equal(body.width, 90);
      assert.equal(body.threshold, 0.4);
      assert.deepEqual(Object.keys(body.localizerProbabilities), ["stripes", "dots"]);
    }
    const page = await fetch(`${server.base}/`);
    assert.match(page.headers.get("content-type")!, /text\/html/);
    assert.equal(page.headers.get("cross-origin-embedder-policy"), "require-corp");
    assert.match(await page.text(), /<script type="module" src="demo\.js">/);
    for (const f of ["demo.js", "worker/demo_worker.js"]) {
      const a = await fetch(`${server.base}/${f}`);
      assert.equal(a.status, 200, f);
      assert.match(a.headers.get("content-type")!, /text\/javascript/);
      await a.body?.cancel();
    }
    // What the bundled worker fetches under its env.assetBase, by package path.
    for (const f of DEMO_VENDOR_FILES) {
      const a = await fetch(`${server.base}/vendor/${f}`);
      assert.equal(a.status, 200, f);
      assert.equal(
        a.headers.get("content-type"),
        f.endsWith(".mjs") ? "text/javascript; charset=utf-8" : "application/wasm",
      );
      await a.body?.cancel();
    }
    // Only the listed files are served, not the rest of onnxruntime's folder.
    const other = await fetch(`${server.base}/vendor/onnxruntime-web/ort.min.js`);
    assert.equal(other.status, 404);
    await other.body?.cancel();
  } finally {
    await server.stop();
  }
  // One JSON line per request on stdout.
  const log = server.stderr().split("\n").filter((l) => l.startsWith("{")).map((l) =>
    JSON.parse(l)
  );
  const localize = log.filter((e) => e.path === "/v1/localize");
  assert.ok(localize.length >= 2, server.stderr());
  assert.deepEqual(Object.keys(localize[0]).slice(0, 7), [
    "time",
    "method",
    "path",
    "status",
    "bytes",
    "requestBytes",
    "ms",
  ]);
});

Deno.test("deno serve runs apps/worker/edge.ts with the model from POINTWISE_MODEL_URL", async () => {
  const server = await startServer(
    [
      "serve",
      "--allow-read",
      "--allow-env",
      "--port",
      "0",
      "--host",
      "127.0.0.1",
      "apps/worker/edge.ts",
    ],
    /Listening on (http:\/\/127\.0\.0\.1:\d+\/)/,
    { POINTWISE_MODEL_URL: pathToFileURL(modelPath).href },
  );
  try {
    const info = await (await fetch(`${server.base}/v1/model`)).json();
    const page = await fetch(`${server.base}/`);
    assert.match(await page.text(), /<title>Pointwise/);
    assert.deepEqual(info.classes, ["stripes", "dots"]);
    const r = await fetch(`${server.base}/v1/localize`, {
      method: "POST",
      body: png as BodyInit,
      headers: { accept: "image/png" },
    });
    assert.equal(r.headers.get("content-type"), "image/png");
    await r.body?.cancel();
  } finally {
    await server.stop();
  }
});
