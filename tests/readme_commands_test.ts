// Every command the README gives, run as a user runs it: in a terminal (a
// pseudo-terminal from util-linux's `script`), with the permissions the README
// and deno.json give and nothing else, at a tiny size. A permission prompt
// (Deno asks on the terminal and waits) fails the test, as does a command that
// fails. Tests and CI otherwise never see a prompt: without a terminal, Deno
// refuses silently and code that reads an environment variable behind a
// permission check goes on.
//
// The README is parsed for its commands (`deno task ...`, `deno run ...`,
// `deno serve ...`, `deno install ...`, `pointwise ...`); each must be in
// RUNS below, run or skipped with its reason, so a new README command needs a
// line here.
import assert from "node:assert/strict";
import { join } from "node:path";
import { ROOT, syntheticPngs } from "./_helpers.ts";

const README = await Deno.readTextFile(join(ROOT, "README.md"));
const TASKS: Record<string, string> =
  JSON.parse(await Deno.readTextFile(join(ROOT, "deno.json"))).tasks;
const HAS_SCRIPT = new Deno.Command("script", { args: ["--version"], stdout: "null" })
  .output().then((o) => o.success).catch(() => false);

/** The commands of the README: `deno task NAME`, or `deno run|serve FLAGS SCRIPT`, or `pointwise NAME`. */
function readmeCommands(): Set<string> {
  const found = new Set<string>();
  // Code blocks (continuation lines joined), and inline code, which may wrap.
  const blocks = [...README.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]);
  const prose = README.replace(/```[\s\S]*?```/g, "");
  const lines = [
    ...blocks.flatMap((b) => b.replace(/\\\n\s*/g, " ").split("\n")),
    ...[...prose.matchAll(/`([^`]+)`/g)].map((m) => m[1].replace(/\s*\n\s*/g, " ")),
  ];
  for (const line of lines) {
    for (const m of line.matchAll(/(?:npx -y deno@[\d.]+|\bdeno) task ([\w:]+)/g)) {
      found.add(`task ${m[1]}`);
    }
    for (const m of line.matchAll(/\bdeno (run|serve) ((?:--?[\w-]+(?:=\S+)? )*)([\w/.]+\.ts)/g)) {
      found.add(`${m[1]} ${m[2].trim()} ${m[3]}`);
    }
    if (/\bdeno install\b/.test(line)) found.add(line.trim());
    for (
      const m of line.matchAll(
        /\bpointwise (train|eval|predict|import|export|slide|serve|weights)\b/g,
      )
    ) {
      found.add(`pointwise ${m[1]}`);
    }
  }
  return found;
}

/** A command's run: a shell command line, and what its output must hold. */
interface Run {
  /** Run after these (their outputs are its inputs). */
  after?: string[];
  cmd: (t: Record<string, string>) => string;
  expect: RegExp;
}

/** `deno task NAME` as deno.json defines it, with `args`. */
const task = (name: string, args: string) => `${TASKS[name]} ${args}`;

/** The README's install line (its flags are the installed command's permissions). */
const INSTALL = README.match(/^deno install -g .*$/m)?.[0] ?? "";

const TINY = "--synthetic-train 8 --synthetic-valid 4 --synthetic-test 4 --synthetic-size 64 " +
  "--crop 64 --width 0.0625 --batch-size 4 --epochs 1";

/** Every README command: how it runs here, or why it does not. */
const RUNS: Record<string, Run | string> = {
  "task train": { cmd: (t) => task("train", `${TINY} --out ${t.run}`), expect: /predict with:/ },
  "task eval": {
    after: ["task train"],
    cmd: (t) => task("eval", `--model ${t.run} --overlays ${t.dir}/ov --report ${t.dir}/r.html`),
    expect: /all-ones mask/,
  },
  "run --allow-read --allow-write --allow-ffi predict.ts": {
    after: ["task export"],
    cmd: (t) =>
      `deno run --allow-read --allow-write --allow-ffi predict.ts --model ${t.onnx} ${t.image} ` +
      `--out ${t.dir}/p4`,
    expect: /runtime: onnxruntime-(node|web)[\s\S]*image\.png: \w+ \(p=/,
  },
  "run --allow-read --allow-write predict.ts": {
    after: ["task train"],
    cmd: (t) =>
      `deno run --allow-read --allow-write predict.ts --model ${t.run} ${t.image} --out ${t.dir}/p1`,
    expect: /image\.png: \w+ \(p=/,
  },
  "task predict": {
    after: ["task export"],
    cmd: (t) => task("predict", `--model ${t.onnx} ${t.image} --out ${t.dir}/p2`),
    // --allow-ffi: the native runtime where it loads, onnxruntime-web otherwise.
    expect: /runtime: onnxruntime-(node|web)[\s\S]*image\.png: \w+ \(p=/,
  },
  "task export": {
    after: ["task train"],
    cmd: (t) => task("export", `--model ${t.run} --out ${t.onnx}`),
    expect: /checked in onnxruntime/,
  },
  "pointwise export": {
    after: ["install", "task train"],
    cmd: (t) => `${t.bin}/pointwise export --model ${t.run} --out ${t.dir}/ref.safetensors`,
    expect: /tensors in the reference naming/,
  },
  "pointwise import": {
    after: ["install"],
    cmd: (t) =>
      `${t.bin}/pointwise import --from tests/fixtures/reference_tiny.safetensors ` +
      `--classes a,b --out ${t.dir}/imported`,
    expect: /wrote .*best\.safetensors/,
  },
  "pointwise predict": {
    after: ["install", "task export"],
    cmd: (t) => `${t.bin}/pointwise predict --model ${t.onnx} ${t.image} --out ${t.dir}/p3`,
    expect: /image\.png: \w+ \(p=/,
  },
  "task import": {
    cmd: (t) =>
      task(
        "import",
        `--from tests/fixtures/reference_tiny.safetensors --classes a,b --out ${t.dir}/imported2`,
      ),
    expect: /wrote .*best\.safetensors/,
  },
  "pointwise serve": {
    after: ["install", "task export"],
    cmd: (t) =>
      serveAndPost(
        `${t.bin}/pointwise serve --model ${t.onnx} --port ${t.port3}`,
        t.port3,
        t.image,
      ),
    expect: /SERVED/,
  },
  "run --allow-read --allow-net --allow-env apps/cli/main.ts": {
    after: ["task export"],
    cmd: (t) =>
      serveAndPost(
        "deno run --allow-read --allow-net --allow-env apps/cli/main.ts serve " +
          `--model ${t.onnx} --port ${t.port4}`,
        t.port4,
        t.image,
      ),
    expect: /SERVED/,
  },
  "task slide": {
    after: ["task export"],
    cmd: (t) =>
      task("slide", `--model ${t.onnx} ${t.image} --tile 64 --overlap 32 --out ${t.dir}/slides2`),
    expect: /image/,
  },
  "pointwise train": "the same entry point as deno task train (run above), installed",
  "pointwise eval": "the same entry point as deno task eval (run above), installed",
  install: {
    cmd: () => INSTALL,
    expect: /Successfully installed pointwise/,
  },
  "task serve": {
    after: ["task export"],
    cmd: (t) =>
      serveAndPost(task("serve", `--model ${t.onnx} --port ${t.port1}`), t.port1, t.image),
    expect: /SERVED/,
  },
  "serve --allow-read --allow-env apps/worker/edge.ts": {
    after: ["task export"],
    cmd: (t) =>
      serveAndPost(
        `POINTWISE_MODEL_URL=file://${t.onnx} deno serve --allow-read --allow-env ` +
          `--port ${t.port2} apps/worker/edge.ts`,
        t.port2,
        t.image,
      ),
    expect: /SERVED/,
  },
  "task bench:serve": {
    after: ["task export"],
    cmd: (t) => task("bench:serve", `--model ${t.onnx} --image ${t.image} --requests 4`),
    expect: /req\/s/,
  },
  "task bench:digits": {
    cmd: (t) =>
      task(
        "bench:digits",
        "--methods cam --epochs 1 --digits-train 16 --digits-valid 8 --digits-test 8 " +
          `--digits-size 48 --batch-size 8 --width 0.0625 --figure-images 1 --out ${t.dir}/bd`,
      ),
    expect: /CAM/,
  },
  "task bench:glas":
    "the same entry point and permissions as bench:digits, on GlaS images (minutes even tiny)",
  "run --allow-read --allow-write --allow-env apps/cli/main.ts": {
    after: ["task export"],
    cmd: (t) =>
      "deno run --allow-read --allow-write --allow-env apps/cli/main.ts slide " +
      `--model ${t.onnx} ${t.image} --tile 64 --overlap 32 --out ${t.dir}/slides`,
    expect: /image/,
  },
  "pointwise slide": "the same entry point as apps/cli/main.ts slide (run above), installed",
  "run -A tasks/slide_seam.ts": "runs with -A (all permissions): nothing to prompt for",
  "run -A tasks/bench_webgpu_conv.ts": "runs with -A (all permissions): nothing to prompt for",
  "task bench:slide": "runs with -A (all permissions): nothing to prompt for",
  "run --allow-read --allow-write --allow-run --allow-env docs/make_slide_overlay.ts":
    "rewrites a committed figure from runs/synthetic, the default run, with vips",
  "task bench": "runs with -A (all permissions): nothing to prompt for",
  "task test": "runs with --allow-all: nothing to prompt for",
  "task check": "deno fmt, lint and check: no program runs",
  "run -A tasks/bench_step_time.ts": "runs with -A (all permissions): nothing to prompt for",
  "run -A tasks/class_map_margin.ts": "runs with -A (all permissions): nothing to prompt for",
  "run -A tasks/bench_ort.ts": "runs with -A (all permissions): nothing to prompt for",
  "task bundle:demo":
    "rewrites the committed worker bundle (emptying its folder first), which the serve tests " +
    "read meanwhile; tests/demo_bundle_test.ts runs the same bundling into a temporary folder",
  "pointwise weights": "the same entry point as deno task weights (skipped below), installed",
  "task weights":
    "weights fetch downloads from download.pytorch.org, which CI cannot reach (its own test " +
    "serves the files locally)",
  "run --allow-read --allow-write tests/corpus/make.ts":
    "rewrites the committed corpus, which other tests read meanwhile; the corpus test checks " +
    "that what it writes is what is committed",
  "run --allow-read --allow-write --allow-env docs/make_synthetic_predictions.ts":
    "rewrites a committed figure from runs/synthetic, the default run (minutes)",
};

/** Starts a server in the background, posts an image once it answers, prints SERVED, stops it. */
function serveAndPost(server: string, port: string, image: string): string {
  return `${server} & pid=$!; ` +
    `for i in $(seq 240); do ` +
    `curl -sf -o /dev/null --data-binary @${image} http://127.0.0.1:${port}/v1/localize ` +
    `&& echo SERVED && break; sleep 0.5; done; kill $pid; wait $pid; true`;
}

/** The README entry a command key stands for ("install" stands for the install line). */
function keyOf(entry: string): string {
  return entry.startsWith("deno install") ? "install" : entry;
}

const PROMPT = /Deno requests|Allow\? \[y\/n|Requires \w+ access|NotCapable|--allow-\w+ to bypass/;

function freePort(): string {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return String(port);
}

/** Runs a command line under a pseudo-terminal; its transcript and exit code. */
async function inTerminal(line: string, env: Record<string, string>) {
  const child = new Deno.Command("script", {
    args: ["-qec", line, "/dev/null"],
    cwd: ROOT,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    clearEnv: true,
    env,
  }).spawn();
  // A prompt waits for an answer forever: it is stopped as soon as it shows
  // (or, whatever hangs, after five minutes).
  const timer = setTimeout(() => child.kill("SIGKILL"), 300_000);
  let text = "";
  const read = async (s: ReadableStream<Uint8Array>) => {
    for await (const chunk of s.pipeThrough(new TextDecoderStream())) {
      text += chunk;
      if (PROMPT.test(text)) {
        try {
          child.kill("SIGKILL");
        } catch { /* already gone */ }
      }
    }
  };
  await Promise.all([read(child.stdout), read(child.stderr)]);
  const status = await child.status;
  clearTimeout(timer);
  return { code: status.code, text };
}

Deno.test("every README command runs in a terminal without a permission prompt", async (t) => {
  if (!(await HAS_SCRIPT)) {
    console.error("skipped: util-linux's `script` is not installed");
    return;
  }
  const entries = [...readmeCommands()].map(keyOf);
  const missing = entries.filter((e) => !(e in RUNS));
  assert.match(INSTALL, / -n pointwise /, "the README no longer gives its deno install line");
  assert.deepEqual(missing, [], "README commands this test does not know: add them to RUNS");
  for (const name of ["train", "eval", "predict", "export", "serve", "bench:serve"]) {
    assert.ok(entries.includes(`task ${name}`), `the README no longer says deno task ${name}`);
  }

  const dir = await Deno.makeTempDir({ prefix: "pointwise-readme-" });
  const places: Record<string, string> = {
    dir,
    run: join(dir, "run"),
    onnx: join(dir, "model.onnx"),
    image: join(dir, "image.png"),
    bin: join(dir, "installed", "bin"),
    port1: freePort(),
    port2: freePort(),
    port3: freePort(),
    port4: freePort(),
  };
  await Deno.writeFile(places.image, (await syntheticPngs([48]))[0]);
  // A user's environment: without POINTWISE_THREADS (the test task sets 1,
  // which would keep the wasm thread pools, and their workers, from starting).
  const env: Record<string, string> = Object.fromEntries(
    Object.entries(Deno.env.toObject()).filter(([k]) => !k.startsWith("POINTWISE_")),
  );
  Object.assign(env, { TERM: "xterm", NO_COLOR: "1", DENO_INSTALL_ROOT: join(dir, "installed") });

  const runs = Object.entries(RUNS).filter((e): e is [string, Run] => typeof e[1] !== "string");
  const done = new Map<string, Promise<void>>();
  const failures: string[] = [];
  const start = (key: string, run: Run): Promise<void> => {
    let p = done.get(key);
    if (p) return p;
    p = (async () => {
      for (const a of run.after ?? []) await start(a, RUNS[a] as Run);
      const line = run.cmd(places);
      let r = await inTerminal(line, env);
      if (
        key === "install" && r.code !== 0 && /error sending request|Failed caching/.test(r.text)
      ) {
        // A global install fetches type packages from the npm registry; offline, the
        // shim is written by hand: the command it runs, with the install's permissions.
        console.error(
          `install: no registry here; writing the shim it would write\n${r.text.slice(-300)}`,
        );
        await Deno.mkdir(places.bin, { recursive: true });
        await Deno.writeTextFile(
          join(places.bin, "pointwise"),
          `#!/bin/sh\nexec deno run ${INSTALL.match(/--allow-[\w-]+/g)!.join(" ")} --config ` +
            `${join(ROOT, "deno.json")} ${join(ROOT, "apps/cli/main.ts")} "$@"\n`,
          { mode: 0o755 },
        );
        r = { code: 0, text: "Successfully installed pointwise (shim)" };
      }
      const prompt = PROMPT.exec(r.text);
      if (prompt) {
        failures.push(`${key}: a permission prompt (${prompt[0]})\n${r.text.slice(-800)}`);
      } else if (r.code !== 0 || !run.expect.test(r.text)) {
        failures.push(`${key}: exit ${r.code}\n$ ${line}\n${r.text.slice(-1500)}`);
      }
    })();
    done.set(key, p);
    return p;
  };
  // Two at a time (CI has two cores); each waits for what it needs.
  const queue = runs.map(([k]) => k);
  const lane = async () => {
    for (let k = queue.shift(); k !== undefined; k = queue.shift()) await start(k, RUNS[k] as Run);
  };
  await t.step(`${runs.length} commands`, async () => {
    await Promise.all([lane(), lane()]);
    assert.deepEqual(failures, []);
  });
});
