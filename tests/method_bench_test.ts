import assert from "node:assert/strict";
import { join } from "node:path";
import { decodeImage } from "@pointwise/core/lite";
import { ROOT, runScript } from "./_helpers.ts";

/** Runs a bench task with the permissions its deno.json task gives it. */
async function runBench(script: string, args: string[]): Promise<{ code: number; stderr: string }> {
  const r = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-read", "--allow-write", "--allow-env", script, ...args],
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).output();
  return { code: r.code, stderr: new TextDecoder().decode(r.stderr) };
}

/** A one-epoch run of a tiny network on `train` digits, `held` each for valid and test. */
function tinyDigits(train: number, held: number): string[] {
  return [
    ...["--digits-train", String(train), "--digits-valid", String(held)],
    ...["--digits-test", String(held), "--digits-size", "64", "--crop", "64"],
    ...["--batch-size", "8", "--width", "0.0625", "--epochs", "1"],
  ];
}

Deno.test("bench:digits (tiny): trains each method, writes the table with floors, JSON and figure", async () => {
  const out = await Deno.makeTempDir({ prefix: "pointwise-bench-" });
  const { code, stderr } = await runBench("tasks/bench_digits.ts", [
    "--methods",
    "minmax,cam,gradcam,deepmil",
    ...tinyDigits(24, 8),
    "--figure-images",
    "2",
    "--out",
    out,
  ]);
  assert.equal(code, 0, stderr);
  const md = await Deno.readTextFile(join(out, "results.md"));
  for (const row of ["min-max", "CAM", "Grad-CAM", "Deep MIL", "all-ones mask", "all-zeros mask"]) {
    assert.match(md, new RegExp(`^\\| ${row} \\|`, "m"), row);
  }
  assert.match(md, /\| Grad-CAM \|.*\(CAM's\) \|/, "Grad-CAM reuses CAM's classifier");
  assert.doesNotMatch(md, /^\| WILDCAT/m);
  const json = JSON.parse(await Deno.readTextFile(join(out, "results.json")));
  assert.deepEqual(json.results.map((x: { method: string }) => x.method), [
    "minmax",
    "cam",
    "gradcam",
    "deepmil",
  ]);
  for (const x of json.results) {
    assert.ok(x.summary.f1Pos >= 0 && x.summary.f1Pos <= 100 && x.summary.classError >= 0);
  }
  // The CAM and Grad-CAM rows come from one network: same classification, different maps.
  const [cam, gc] = [json.results[1], json.results[2]];
  assert.equal(cam.summary.classError, gc.summary.classError);
  const fig = await decodeImage(await Deno.readFile(join(out, "figure.jpg")), "figure.jpg");
  // 6 columns (image, ground truth, 4 methods) of 192 px panels, 2 rows, under a title row
  // (16 to 40 px with the margins) and beside a colour bar (under 80 px).
  const grid = [6 * 192 + 5 * 4, 2 * 192 + 4];
  assert.ok(fig.width > grid[0] && fig.width < grid[0] + 80, `${fig.width}`);
  assert.ok(fig.height >= grid[1] + 16 && fig.height <= grid[1] + 40, `${fig.height}`);
  for (const m of ["minmax", "cam", "deepmil"]) {
    await Deno.stat(join(out, m, "seed-0", "best.safetensors"));
  }
  await assert.rejects(Deno.stat(join(out, "gradcam")));
  assert.match(md, /Selection is noisy: the weights are chosen on 8 validation images/);
  // Each method's folder is a run folder: eval, given no data, scores the bench's own test set
  // and gets the bench's row.
  const ev = await runScript("apps/cli/main.ts", ["eval", "--model", join(out, "cam", "seed-0")]);
  assert.equal(ev.code, 0, ev.stderr);
  assert.match(ev.stdout, /on cluttered digits test: 8 images of 64x64, 10 classes/);
  const f1Neg = json.results[1].summary.f1Neg.toFixed(1);
  assert.match(ev.stdout, new RegExp(`^CAM +[\\d.]+ +[\\d.]+ +${f1Neg.replace(".", "\\.")} `, "m"));
  // A size flag changes the run's test set, not the dataset.
  const few = await runScript("apps/cli/main.ts", [
    "eval",
    "--model",
    join(out, "cam", "seed-0"),
    "--digits-test",
    "3",
  ]);
  assert.equal(few.code, 0, few.stderr);
  assert.match(few.stdout, /on cluttered digits test: 3 images of 64x64, 10 classes/);
  assert.match(md, /^- starting weights: random/m);

  // --init-backbone: every method's backbone starts from that run's (the head starts fresh).
  const warm = join(out, "warm");
  const w = await runBench("tasks/bench_digits.ts", [
    "--methods",
    "wildcat",
    ...tinyDigits(16, 4),
    "--figure-images",
    "0",
    "--init-backbone",
    join(out, "cam", "seed-0", "best.safetensors"),
    "--out",
    warm,
  ]);
  assert.equal(w.code, 0, w.stderr);
  assert.match(w.stderr, /imported \d+ tensors from .*best\.safetensors \(pointwise naming\)/);
  const warmMd = await Deno.readTextFile(join(warm, "results.md"));
  assert.match(
    warmMd,
    /^- starting weights: every method's backbone from .*cam\/seed-0\/best\.safetensors/m,
  );
  const missing = await runBench("tasks/bench_digits.ts", [
    "--init-backbone",
    join(out, "nope.pth"),
  ]);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /^error: .*nope\.pth: /m);
  assert.doesNotMatch(missing.stderr, /Uncaught|^ {4}at /m);
});

Deno.test("bench --seeds: each method once per seed, mean ± sd and each seed's row", async () => {
  const out = await Deno.makeTempDir({ prefix: "pointwise-bench-seeds-" });
  const { code, stderr } = await runBench("tasks/bench_digits.ts", [
    "--methods",
    "cam,gradcam",
    "--seeds",
    "3,4",
    ...tinyDigits(16, 4),
    "--figure-images",
    "1",
    "--out",
    out,
  ]);
  assert.equal(code, 0, stderr);
  const md = await Deno.readTextFile(join(out, "results.md"));
  assert.match(md, /^\| \*\*CAM\*\* \(mean ± sd, 2 seeds\) \| [\d.]+ ± [\d.]+ \|/m);
  assert.match(md, /^\| \*\*Grad-CAM\*\* \(mean ± sd, 2 seeds\) \|.*\(CAM's\) \|$/m);
  assert.equal(md.match(/^\| seed 3 \|/gm)?.length, 2);
  assert.equal(md.match(/^\| seed 4 \|/gm)?.length, 2);
  assert.match(md, /- seeds: 3, 4 \(each method trained once per seed; mean ± sample sd/);
  const json = JSON.parse(await Deno.readTextFile(join(out, "results.json")));
  assert.deepEqual(
    json.results.map((r: { method: string; seed: number }) => `${r.method}/${r.seed}`),
    ["cam/3", "cam/4", "gradcam/3", "gradcam/4"],
  );
  // The aggregate is the mean of the two seeds' rows.
  const [a, b] = json.results.slice(0, 2).map((r: { summary: { f1Neg: number } }) =>
    r.summary.f1Neg
  );
  assert.ok(Math.abs(json.aggregates[0].mean.f1Neg - (a + b) / 2) < 1e-9);
  for (const seed of [3, 4]) await Deno.stat(join(out, "cam", `seed-${seed}`, "best.safetensors"));
  // Different seeds train differently.
  const w3 = await Deno.readFile(join(out, "cam", "seed-3", "best.safetensors"));
  const w4 = await Deno.readFile(join(out, "cam", "seed-4", "best.safetensors"));
  assert.notDeepEqual(w3, w4);
  const bad = await runBench("tasks/bench_digits.ts", ["--seeds", "0,x"]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--seeds expects comma-separated non-negative integers, got '0,x'/);
});

Deno.test("bench:glas refuses unknown methods and a missing data folder with clear errors", async () => {
  const run = (args: string[]) => runBench("tasks/bench_glas.ts", args);
  const a = await run(["--methods", "minmax,saliency"]);
  assert.equal(a.code, 2);
  assert.match(a.stderr, /--methods: unknown saliency/);
  const b = await run(["--data", "/nonexistent/glas"]);
  assert.equal(b.code, 1);
  assert.match(b.stderr, /\/nonexistent\/glas\/split\/train\.csv/);
  assert.doesNotMatch(b.stderr, /Uncaught|^ {4}at /m, "a message, not a stack trace");
});

Deno.test("bench: a method that fails gets a 'failed' row, the floors are still written, exit code 1", async () => {
  const out = await Deno.makeTempDir({ prefix: "pointwise-bench-fail-" });
  const { code, stderr } = await runBench("tasks/bench_digits.ts", [
    "--methods",
    "deepmil",
    ...tinyDigits(16, 4),
    "--lr",
    "1e30",
    "--warmup-steps",
    "0",
    "--out",
    out,
  ]);
  assert.equal(code, 1, stderr);
  const md = await Deno.readTextFile(join(out, "results.md"));
  assert.match(md, /^\| Deep MIL \| failed: .*(NaN|infinite)/m);
  assert.match(md, /^\| all-ones mask \|/m);
});
