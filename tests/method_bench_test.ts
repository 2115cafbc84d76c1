import assert from "node:assert/strict";
import { join } from "node:path";
import { decodeImage } from "@pointwise/core/lite";
import { ROOT } from "./_helpers.ts";

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
    await Deno.stat(join(out, m, "best.safetensors"));
  }
  await assert.rejects(Deno.stat(join(out, "gradcam", "best.safetensors")));
});

Deno.test("bench:glas refuses unknown methods and a missing data folder with clear errors", async () => {
  const run = (args: string[]) => runBench("tasks/bench_glas.ts", args);
  const a = await run(["--methods", "minmax,saliency"]);
  assert.equal(a.code, 2);
  assert.match(a.stderr, /--methods: unknown saliency/);
  const b = await run(["--data", "/nonexistent/glas"]);
  assert.equal(b.code, 1);
  assert.match(b.stderr, /\/nonexistent\/glas\/split\/train\.csv/);
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
