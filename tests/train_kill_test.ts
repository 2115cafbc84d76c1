// kill -9 during training, at several points (during the first epoch's
// writes, in the middle of writing a checkpoint, between checkpoints): each
// time the run starts again (a run killed before its first checkpoint) or
// resumes, leftover temporary files are removed, and the weights at the end
// are bit for bit those of a run never interrupted.
import assert from "node:assert/strict";
import { join } from "node:path";
import { decodeSafetensors } from "@pointwise/core/io";
import { listDir, ROOT } from "./_helpers.ts";

const tmp = await Deno.makeTempDir({ prefix: "pointwise-kill-" });
const FLAGS = [
  ...["--synthetic-train", "8", "--synthetic-valid", "4", "--synthetic-test", "4"],
  ...["--synthetic-size", "32", "--crop", "32", "--width", "0.0625", "--batch-size", "4"],
  ...["--epochs", "3", "--threads", "1"],
];

/** A training process (tests/kill_harness.ts), pausing mid-write of the `nth` temp file named `pause`. */
function start(args: string[], pause = "-", nth = 0) {
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-read",
      "--allow-write",
      "tests/kill_harness.ts",
      pause,
      String(nth),
      ...args,
    ],
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).spawn();
  let stderr = "";
  const stdout = new Response(child.stdout).text();
  const pumped = (async () => {
    for await (const c of child.stderr.pipeThrough(new TextDecoderStream())) stderr += c;
  })();
  return {
    child,
    stderr: () => stderr,
    async done() {
      const status = await child.status;
      await pumped;
      return { code: status.code, signal: status.signal, stdout: await stdout, stderr };
    },
  };
}

/** Waits until `check` holds (polled every 20 ms), failing after `seconds`. */
async function until(check: () => boolean | Promise<boolean>, what: string, seconds = 120) {
  for (let i = 0; i < seconds * 50; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`gave up waiting for ${what}`);
}

async function killed(p: ReturnType<typeof start>) {
  p.child.kill("SIGKILL");
  const r = await p.done();
  assert.equal(r.signal, "SIGKILL", r.stderr);
}

/** Epochs in a run's history.json (0 when there is none or it is being replaced). */
async function epochs(dir: string): Promise<number> {
  try {
    return JSON.parse(await Deno.readTextFile(join(dir, "history.json"))).length;
  } catch {
    return 0;
  }
}

Deno.test("kill -9 at several points, then resume: the weights of an uninterrupted run, no litter", async () => {
  const a = join(tmp, "uninterrupted");
  const b = join(tmp, "killed");
  const reference = start([...FLAGS, "--out", a]);

  // 1. During the first epoch's writes (run.json half written): nothing usable
  // is left, so the run starts again with the same --out, no --force needed.
  let p = start([...FLAGS, "--out", b], "run.json", 1);
  await until(() => p.stderr().includes("PAUSED"), "the first write");
  await killed(p);
  const litter = await listDir(b);
  assert.ok(litter.every((n) => n.endsWith(".tmp")), `only a temporary file: ${litter}`);

  // 2. In the middle of writing the second epoch's last.safetensors.
  p = start([...FLAGS, "--out", b], "last.safetensors", 2);
  await until(() => p.stderr().includes("PAUSED"), "the second checkpoint");
  assert.match(p.stderr(), /removed 1 temporary file\(s\) of an interrupted write/);
  await killed(p);
  assert.ok((await listDir(b)).some((n) => /^\.last\.safetensors\..*\.tmp$/.test(n)));
  assert.equal(await epochs(b), 1);

  // 3. Resumed from epoch 1, killed between checkpoints: during epoch 3's steps.
  p = start(["--resume", b, "--threads", "1"]);
  await until(async () => (await epochs(b)) === 2, "epoch 2's checkpoint");
  await killed(p);
  assert.match(p.stderr(), /removed 1 temporary file\(s\)/);

  // 4. Resumed from epoch 2, to the end.
  const last = await start(["--resume", b, "--threads", "1"]).done();
  assert.equal(last.code, 0, last.stderr);
  const full = await reference.done();
  assert.equal(full.code, 0, full.stderr);

  assert.deepEqual(
    (await listDir(b)).filter((n) => n.endsWith(".tmp")),
    [],
    "no temporary file is left",
  );
  assert.equal(await epochs(b), 3);
  for (const name of ["last.safetensors", "best.safetensors"]) {
    const x = decodeSafetensors(await Deno.readFile(join(a, name)), `uninterrupted ${name}`);
    const y = decodeSafetensors(await Deno.readFile(join(b, name)), `killed ${name}`);
    assert.deepEqual([...y.tensors.keys()], [...x.tensors.keys()]);
    for (const [key, t] of x.tensors) {
      assert.deepEqual(y.tensors.get(key)!.data, t.data, `${name}: ${key} differs`);
    }
    const state = (m: Record<string, string>) => {
      const { epoch, globalStep, rng, bestEpoch, bestError } = JSON.parse(m.train);
      return { epoch, globalStep, rng, bestEpoch, bestError };
    };
    assert.deepEqual(state(y.metadata), state(x.metadata), `${name}: training state`);
  }
});
