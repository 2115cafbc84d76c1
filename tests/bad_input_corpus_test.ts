// Runs the bad-input corpus (tests/corpus, built by tests/corpus/corpus.ts):
// every case must give its exit code or HTTP status, a message that names the
// file, flag or field at fault and says the problem, no stack trace or leaked
// internal error, and leave nothing written (but for a batch that goes on past
// an image corrupt beyond its header: then the valid image's files only). Command lines run the CLI's
// main() in this process (one TensorFlow.js start for all); `serve` runs as a
// subprocess with the task's permissions.
import assert from "node:assert/strict";
import { join, relative } from "node:path";
import { main } from "@pointwise/cli";
import { createHandler } from "@pointwise/worker";
import { demoAssets } from "@pointwise/worker/assets";
import { tinyCheckpoint, tinyOnnx } from "@pointwise/core/testing";
import type { Case } from "./corpus/corpus.ts";
import { buildCorpus } from "./corpus/corpus.ts";
import { CORPUS_DIR, corpusFixtures } from "./corpus/make.ts";
import { ROOT, syntheticPngs } from "./_helpers.ts";

const cases: Case[] = JSON.parse(await Deno.readTextFile(join(CORPUS_DIR, "cases.json")));
const tmp = await Deno.makeTempDir({ prefix: "pointwise-corpus-" });
// The cases run on a copy, so that a case that wrongly writes cannot touch the repository.
const files = join(tmp, "files");
await copyTree(join(CORPUS_DIR, "files"), files);
const onnxBytes = await tinyOnnx(["benign", "malignant"]);
const places = {
  "{files}": files,
  "{ckpt}": join(tmp, "tiny.safetensors"),
  "{onnx}": join(tmp, "tiny.onnx"),
  "{image}": join(tmp, "image.png"),
};
await Deno.writeFile(places["{ckpt}"], (await tinyCheckpoint(["benign", "malignant"])).bytes);
await Deno.writeFile(places["{onnx}"], onnxBytes);
await Deno.writeFile(places["{image}"], (await syntheticPngs([40]))[0]);

async function copyTree(from: string, to: string): Promise<void> {
  await Deno.mkdir(to, { recursive: true });
  for await (const e of Deno.readDir(from)) {
    if (e.isDirectory) await copyTree(join(from, e.name), join(to, e.name));
    else await Deno.copyFile(join(from, e.name), join(to, e.name));
  }
}

/** Every file under `dir` with its size and modification time (empty when it does not exist). */
async function listing(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (d: string) => {
    let entries: Deno.DirEntry[];
    try {
      entries = await Array.fromAsync(Deno.readDir(d));
    } catch (e) {
      if (e instanceof Deno.errors.NotFound) return;
      throw e;
    }
    for (const e of entries) {
      const p = join(d, e.name);
      if (e.isDirectory) await walk(p);
      else {
        const s = await Deno.stat(p);
        out.push(`${relative(dir, p)} ${s.size} ${s.mtime?.getTime()}`);
      }
    }
  };
  await walk(dir);
  return out.sort();
}

function fill(arg: string, out: string): string {
  let a = arg.replaceAll("{out}", out);
  for (const [k, v] of Object.entries(places)) a = a.replaceAll(k, v);
  return a;
}

/** Internal errors that must never reach a user. */
const LEAKS = [
  /\n\s+at .*(\.ts|\.js|\.mjs):\d+/, // a stack trace
  /Cannot read properties of/,
  /is not a function/,
  /is not defined/,
  /\[object Object\]/,
  /\bundefined\b(?! reference)/,
  /^RuntimeError: unreachable/m,
  /Invalid typed array length/,
  /Array buffer allocation failed/,
];

/** What is wrong with a message, or null. */
function messageProblem(c: Case, message: string): string | null {
  if (c.expect.names !== "" && !message.includes(c.expect.names)) {
    return `does not name ${c.expect.names}`;
  }
  if (!new RegExp(c.expect.problem, "is").test(message)) {
    return `does not say /${c.expect.problem}/`;
  }
  // A message is for reading: long ones bury the point (a whole split-file line, a weights list).
  if (message.length > 2000) return `is ${message.length} characters long`;
  const leak = LEAKS.find((r) => r.test(message));
  return leak ? `leaks an internal error (${leak})` : null;
}

/** Runs the CLI in this process; returns the exit code and what it printed. */
async function runCli(argv: string[]): Promise<{ code: number; text: string }> {
  const lines: string[] = [];
  const { log, error, warn } = console;
  const capture = (...a: unknown[]) => lines.push(a.map(String).join(" "));
  console.log = console.error = console.warn = capture;
  try {
    const code = await main(argv);
    return { code, text: lines.join("\n") };
  } catch (e) {
    return { code: -1, text: `main threw: ${(e as Error).stack ?? e}` };
  } finally {
    Object.assign(console, { log, error, warn });
  }
}

async function checkCli(c: Case): Promise<string | null> {
  const out = join(tmp, "out", c.id);
  const before = await listing(files);
  const { code, text: message } = await runCli(c.argv!.map((a) => fill(a, out)));
  const text = message;
  if (code !== c.expect.exit) {
    return `exit ${code}, expected ${c.expect.exit}: ${text.slice(0, 600)}`;
  }
  const bad = messageProblem(c, message);
  if (bad) return `the message ${bad}: ${message.slice(0, 600)}`;
  const written = await listing(out);
  const want = c.expect.writes ?? [];
  if (written.map((l) => l.split(" ")[0]).join(", ") !== [...want].sort().join(", ")) {
    return `wrote ${written.join(", ") || "nothing"}, expected ${want.join(", ") || "nothing"}`;
  }
  if (want.length > 0) {
    // The bad image is reported among the failed, and is not in the table.
    const failed = new RegExp(`predicted 1 of 2 image\\(s\\).*; 1 failed: \\S*${c.expect.names}`);
    if (!failed.test(message)) return `the summary does not say ${failed}: ${message.slice(-600)}`;
    const csv = (await Deno.readTextFile(join(out, "predictions.csv"))).trim().split("\n");
    if (
      csv.length !== 2 || !csv[1].includes("image.png") || csv.join("\n").includes(c.expect.names)
    ) {
      return `predictions.csv is not the valid image's row alone: ${csv.join(" | ").slice(0, 600)}`;
    }
  }
  const after = await listing(files);
  if (after.join("\n") !== before.join("\n")) return "changed the corpus files";
  return null;
}

/** Runs every case of a category; fails with the list of those that went wrong. */
async function runAll(
  category: Case["category"],
  check: (c: Case) => Promise<string | null>,
  parallel = 1,
) {
  const mine = cases.filter((c) => c.category === category);
  assert.ok(mine.length > 0, `no ${category} cases`);
  const failures: string[] = [];
  const queue = [...mine];
  const lane = async () => {
    for (let c = queue.shift(); c !== undefined; c = queue.shift()) {
      const why = await check(c);
      if (why !== null) failures.push(`${c.id}: ${why}`);
    }
  };
  await Promise.all(Array.from({ length: parallel }, lane));
  for (const f of failures) console.error(`CASE FAILED ${f}`);
  assert.deepEqual(failures, [], `${failures.length} of ${mine.length} ${category} cases failed`);
}

Deno.test("the corpus has 100+ cases and its files are what tests/corpus/make.ts writes", async () => {
  assert.ok(cases.length >= 100, `${cases.length} cases`);
  const { files: built, cases: builtCases } = await buildCorpus(await corpusFixtures());
  assert.deepEqual(
    JSON.parse(JSON.stringify(builtCases)),
    cases,
    "cases.json is stale: run tests/corpus/make.ts",
  );
  const committed = (await listing(join(CORPUS_DIR, "files"))).map((l) => l.split(" ")[0]);
  assert.deepEqual(
    committed,
    [...built.keys()].sort(),
    "files/ is stale: run tests/corpus/make.ts",
  );
  for (const [name, bytes] of built) {
    assert.deepEqual(await Deno.readFile(join(CORPUS_DIR, "files", name)), bytes, name);
  }
});

Deno.test("corpus controls: the ONNX graph and the TIFF that cases break do predict", async () => {
  const out = join(tmp, "out", "control");
  const { code, text } = await runCli([
    "predict",
    "--model",
    join(files, "onnx", "valid-mini.onnx"),
    join(files, "images", "valid-grey.tif"),
    "--out",
    out,
  ]);
  assert.equal(code, 0, text);
  assert.deepEqual(
    (await listing(out)).map((l) => l.split(" ")[0]),
    ["predictions.csv", "valid-grey.json", "valid-grey_mask.png", "valid-grey_overlay.jpg"],
  );
});

for (
  const category of [
    "cli-flags",
    "split-files",
    "images",
    "checkpoints",
    "safetensors",
    "onnx",
  ] as const
) {
  Deno.test(`corpus: ${category}`, () => runAll(category, checkCli));
}

Deno.test("corpus: http bodies get their status and code, never 500, and serving goes on", async () => {
  const logged: unknown[] = [];
  const handler = createHandler({
    model: onnxBytes,
    limits: { maxBytes: 65536, maxPixels: 65536 },
    assets: demoAssets(),
    log: (_m, e) => logged.push(e),
  });
  await runAll("http", async (c) => {
    const body = c.body === undefined ? null : await Deno.readFile(join(files, c.body));
    const r = await handler(
      new Request(`http://localhost${c.path}`, {
        method: c.method,
        body: body as BodyInit | null,
        headers: c.headers,
      }),
    );
    const text = await r.text();
    if (r.status !== c.expect.status) {
      return `status ${r.status}, expected ${c.expect.status}: ${text}`;
    }
    let error: { code?: string; message?: string } | undefined;
    try {
      error = JSON.parse(text).error;
    } catch {
      return `not a JSON error: ${text.slice(0, 200)}`;
    }
    if (error?.code !== c.expect.code) return `code ${error?.code}, expected ${c.expect.code}`;
    const bad = messageProblem(c, error?.message ?? "");
    return bad ? `the message ${bad}: ${error?.message}` : null;
  });
  assert.deepEqual(logged, [], "nothing unexpected was logged");
  const ok = await handler(
    new Request("http://localhost/v1/localize", {
      method: "POST",
      body: await Deno.readFile(places["{image}"]),
    }),
  );
  assert.equal(ok.status, 200);
  assert.ok(["benign", "malignant"].includes((await ok.json()).class));
});

Deno.test("corpus: serve refuses bad flags and models, naming them, without a stack trace", async () => {
  await runAll("serve", async (c) => {
    const child = new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--allow-read",
        "--allow-net",
        "--allow-env",
        "tasks/serve.ts",
        ...c.argv!.map((a) => fill(a, join(tmp, "out", c.id))),
      ],
      cwd: ROOT,
      stdout: "piped",
      stderr: "piped",
      env: { NO_COLOR: "1" },
    }).spawn();
    // A case that wrongly starts serving would run forever.
    const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
    const out = await child.output();
    clearTimeout(timer);
    const text = new TextDecoder().decode(out.stderr).split("\n").filter((l) =>
      l.startsWith("serve:") || l.includes("error")
    ).join("\n");
    if (out.code !== c.expect.exit) return `exit ${out.code}, expected ${c.expect.exit}: ${text}`;
    const bad = messageProblem(c, text);
    return bad ? `the message ${bad}: ${text.slice(0, 600)}` : null;
  }, 4);
});
