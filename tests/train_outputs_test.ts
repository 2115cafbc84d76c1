// What training leaves a new user with: sample images of the built-in data
// and a predict command that works as printed, and a run that resumes from
// any working directory.
import assert from "node:assert/strict";
import { dirname, join, resolve } from "node:path";
import { encodePng } from "@pointwise/core/lite";
import { syntheticDataset } from "@pointwise/core/data";
import { listDir, ROOT, runScript, tinyRunFlags } from "./_helpers.ts";

const tmp = await Deno.makeTempDir({ prefix: "pointwise-train-outputs-" });
const dec = new TextDecoder();

/** Runs `deno run --allow-read --allow-write <script> ...args` in `cwd`. */
async function runIn(cwd: string, script: string, args: string[]) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-read", "--allow-write", join(ROOT, script), ...args],
    cwd,
    env: { NO_COLOR: "1" },
  }).output();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

Deno.test("a run of built-in data leaves sample images and a predict command that works as printed", async () => {
  const out = join(tmp, "synthetic");
  const r = await runScript("tasks/train.ts", [
    ...tinyRunFlags(8, 0.125),
    "--epochs",
    "1",
    "--out",
    out,
  ]);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(await listDir(join(out, "samples")), [
    "dots-1.png",
    "dots-2.png",
    "stripes-1.png",
    "stripes-2.png",
  ]);
  const command = r.stdout.match(/^predict with: (.*)$/m)?.[1];
  assert.equal(command, `deno task predict --model ${out} ${out}/samples/*.png`);
  // Run it in a shell, as a user would, with this Deno first on the PATH.
  const predictions = join(tmp, "predictions");
  const sh = await new Deno.Command("sh", {
    args: ["-c", `${command} --out ${predictions}`],
    cwd: ROOT,
    env: { NO_COLOR: "1", PATH: `${dirname(Deno.execPath())}:${Deno.env.get("PATH") ?? ""}` },
  }).output();
  assert.equal(sh.code, 0, dec.decode(sh.stderr));
  assert.match(dec.decode(sh.stdout), /stripes-1\.png: (stripes|dots) \(p=/);
  assert.equal((await listDir(predictions)).filter((f) => f.endsWith("_overlay.jpg")).length, 4);
});

Deno.test("a run of a data folder given by a relative path resumes from another working directory; eval scores its folder's test split", async () => {
  const home = join(tmp, "home");
  const data = join(home, "slides");
  await Deno.mkdir(join(data, "split"), { recursive: true });
  const ds = syntheticDataset({ count: 6, size: 64, classes: 2, seed: 5 });
  const rows: string[] = [];
  for (const [i, s] of ds.samples.entries()) {
    await Deno.writeFile(join(data, `${i}.png`), await encodePng(s.image));
    const mask = { width: 64, height: 64, data: new Uint8Array(64 * 64 * 3) };
    s.mask!.data.forEach((v, p) => mask.data.fill(v ? 255 : 0, 3 * p, 3 * p + 3));
    await Deno.writeFile(join(data, `${i}_mask.png`), await encodePng(mask));
    rows.push(`${i}.png,${i}_mask.png,${ds.classes[s.label]}`);
  }
  await Deno.writeTextFile(join(data, "split", "train.csv"), rows.slice(0, 4).join("\n") + "\n");
  await Deno.writeTextFile(join(data, "split", "valid.csv"), rows.slice(4).join("\n") + "\n");
  const flags = ["--crop", "64", "--width", "0.125", "--batch-size", "4"];
  const first = await runIn(home, "apps/cli/main.ts", [
    "train",
    "--data",
    "slides",
    ...flags,
    "--epochs",
    "1",
    "--out",
    "run",
  ]);
  assert.equal(first.code, 0, first.stderr);

  const elsewhere = join(tmp, "elsewhere");
  await Deno.mkdir(elsewhere);
  const run = resolve(home, "run");
  const resumed = await runIn(elsewhere, "apps/cli/main.ts", [
    "train",
    "--resume",
    run,
    "--epochs",
    "2",
  ]);
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.match(resumed.stdout, /trained 1 epoch in .* \(epochs 2-2\)/);
  assert.match(resumed.stderr, /train data: \/.*slides\/split\/train\.csv/);
  // The image it suggests predicting on is there, seen from this folder.
  const image = resumed.stdout.match(/^predict with: pointwise predict --model \S+ (\S+)$/m)?.[1];
  assert.ok(image !== undefined, resumed.stdout);
  assert.ok((await Deno.stat(resolve(elsewhere, image))).isFile, image);
  // eval without data scores the run's folder's test split, never the
  // synthetic set; a usage error while the folder has none.
  const ev = await runIn(elsewhere, "apps/cli/main.ts", ["eval", "--model", run]);
  assert.equal(ev.code, 2);
  assert.match(
    ev.stderr,
    /was trained on the images of \/.*slides, which has no \/.*slides\/split\/test\.csv; give the images to score: --data DIR/,
  );
  await Deno.writeTextFile(join(data, "split", "test.csv"), rows.slice(4).join("\n") + "\n");
  const scored = await runIn(elsewhere, "apps/cli/main.ts", ["eval", "--model", run]);
  assert.equal(scored.code, 0, scored.stderr);
  assert.match(
    scored.stdout,
    /scores of .* on \/.*slides\/split\/test\.csv \(images in \/.*slides\)/,
  );
});
