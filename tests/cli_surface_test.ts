// The command line as a whole: one set of commands, each with a --help that
// fits 100 columns with one section per topic, --version, our wording for
// option mistakes, one --force rule for every command that writes, and
// errors that say what a wrongly given file is.
import assert from "node:assert/strict";
import { join } from "node:path";
import { type Launcher, main } from "@pointwise/cli";
import { encodePng } from "@pointwise/core/lite";
import { exportReferenceWeights } from "@pointwise/core/io";
import { decodeCheckpoint } from "@pointwise/core/lite";
import { ROOT, runScript, syntheticPngs, tinyCheckpoint, tinyOnnx } from "./_helpers.ts";

const tmp = await Deno.makeTempDir({ prefix: "pointwise-surface-" });
const checkpoint = (await tinyCheckpoint()).bytes;
const model = join(tmp, "model.safetensors");
await Deno.writeFile(model, checkpoint);
const onnx = join(tmp, "model.onnx");
await Deno.writeFile(onnx, await tinyOnnx());
const png = join(tmp, "slide.png");
await Deno.writeFile(png, (await syntheticPngs([48]))[0]);
const cliPackage = JSON.parse(await Deno.readTextFile(join(ROOT, "apps/cli/deno.json")));
const rootConfig = JSON.parse(await Deno.readTextFile(join(ROOT, "deno.json")));

/** Runs the CLI in this process as a task would; returns the exit code and what it printed. */
async function cli(
  args: string[],
  launcher: "task" | "pointwise" = "task",
): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const { log, error } = console;
  console.log = (...a: unknown[]) => out.push(a.join(" "));
  console.error = (...a: unknown[]) => err.push(a.join(" "));
  try {
    const code = await main(args, { launcher });
    return { code, out: out.join("\n"), err: err.join("\n") };
  } finally {
    console.log = log;
    console.error = error;
  }
}

/** Lines wider than 100 columns, with the longest prefix a task can print (npx's). */
function tooWide(text: string): string[] {
  return text.replaceAll("deno task", `npx -y deno@${Deno.version.deno} task`).split("\n")
    .filter((l) => l.length > 100);
}

/** Section titles: unindented lines that end with a colon. */
function sections(text: string): string[] {
  return text.split("\n").filter((l) => /^[a-z].*:$/.test(l));
}

/** The commands `--help` lists. */
async function listedCommands(): Promise<string[]> {
  const { out } = await cli(["--help"], "pointwise");
  const block = out.split("commands:\n")[1].split(/\n(?! )/)[0];
  // A command's row starts at the indent; wrapped text is indented further.
  return block.split("\n").flatMap((l) => l.match(/^ {2}(\S+)/)?.[1] ?? []);
}

Deno.test("--version prints the package's version, for the installed command and for tasks", async () => {
  for (const [args, launcher] of [[["--version"], "pointwise"], [["train", "--version"], "task"]]) {
    const r = await cli(args as string[], launcher as "task" | "pointwise");
    assert.equal(r.code, 0);
    assert.equal(r.out, `pointwise ${cliPackage.version} (deno ${Deno.version.deno})`);
  }
  // A subprocess, as a user runs it.
  const sub = await runScript("tasks/train.ts", ["--version"]);
  assert.equal(sub.code, 0, sub.stderr);
  assert.equal(sub.stdout.trim(), `pointwise ${cliPackage.version} (deno ${Deno.version.deno})`);
});

Deno.test("--help lists one set of commands: every command module, each with a deno task", async () => {
  const listed = await listedCommands();
  const files: string[] = [];
  for await (const e of Deno.readDir(join(ROOT, "apps/cli/commands"))) {
    if (e.name.endsWith(".ts") && !e.name.endsWith("_test.ts")) files.push(e.name.slice(0, -3));
  }
  // `predict_inputs.ts` is part of `predict.ts`: a module named `<command>_<part>` is a command's.
  const modules = files.filter((f) => !(f.includes("_") && files.includes(f.split("_")[0])));
  assert.deepEqual([...listed].sort(), modules.sort());
  // Messages print `deno task <command>`: each must exist.
  for (const c of listed) assert.ok(c in rootConfig.tasks, `no deno task ${c}`);
});

/** Runs `f` as if Deno had been started by npx (`npx -y deno@X task ...`), the longest prefix. */
async function underNpx<T>(f: () => Promise<T>): Promise<T> {
  const execPath = Deno.execPath;
  Deno.execPath = () => `/home/u/.npm/_npx/1a2b/node_modules/deno/deno`;
  try {
    return await f();
  } finally {
    Deno.execPath = execPath;
  }
}

/** Lines wider than 100 columns, as printed. */
function wider(text: string): string[] {
  return text.split("\n").filter((l) => l.length > 100);
}

Deno.test("every command's --help works, fits 100 columns and has one section per topic", async () => {
  const npx = `npx -y deno@${Deno.version.deno} task`;
  // Help is laid out for the prefix it prints, so each launcher's is measured as printed.
  const direct = <T>(f: () => Promise<T>): Promise<T> => f();
  const launchers: [Launcher, string, typeof underNpx][] = [
    ["pointwise", "pointwise", direct],
    ["task", "deno task", direct],
    ["task", npx, underNpx],
  ];
  for (const [launcher, program, as] of launchers) {
    const top = await as(() => cli(["--help"], launcher));
    assert.deepEqual(wider(top.out), [], `${program} --help`);
  }
  for (const command of await listedCommands()) {
    for (const [launcher, program, as] of launchers) {
      const r = await as(() => cli([command, "--help"], launcher));
      assert.equal(r.code, 0, `${command} --help: ${r.err}`);
      const escaped = program.replace(/[.@]/g, "\\$&");
      assert.match(r.out, new RegExp(`^usage: ${escaped} ${command}\\b`, "m"));
      assert.deepEqual(wider(r.out), [], `${program} ${command} --help`);
      const titles = sections(r.out);
      assert.ok(titles.length >= 2, `${command} --help has sections`);
      const topics = titles.map((t) => t.replace(/[ (:].*$/, ""));
      assert.deepEqual(topics, [...new Set(topics)], `${command} --help repeats a section`);
    }
  }
});

Deno.test("the benches' --help fits 100 columns and offers --methods, not --method", async () => {
  for (const bench of ["tasks/bench_glas.ts", "tasks/bench_digits.ts"]) {
    const r = await runScript(bench, ["--help"], ["--allow-env"]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(tooWide(r.stdout), [], bench);
    assert.match(r.stdout, /^ {2}--methods LIST/m);
    assert.doesNotMatch(r.stdout, /^ {2}--method /m);
    const wrong = await runScript(bench, ["--method", "cam"], ["--allow-env"]);
    assert.equal(wrong.code, 2);
    assert.match(wrong.stderr, /unknown option --method; did you mean --methods\?/);
  }
});

Deno.test("option mistakes are worded by us, with the closest option and the command as typed", async () => {
  const format = await cli(["predict", "--model", model, "--format", "webp", png]);
  assert.equal(format.code, 2);
  assert.equal(
    format.err,
    "error: unknown option --format; did you mean --image-format?\nsee: deno task predict --help",
  );
  assert.doesNotMatch(format.err, /'--|Unknown option/);
  const installed = await cli(["train", "--epoch", "3"], "pointwise");
  assert.equal(
    installed.err,
    "error: unknown option --epoch; did you mean --epochs?\n" +
      "see: pointwise train --help",
  );
  assert.match((await cli(["train", "--epochs"])).err, /^error: --epochs needs a value$/m);
  assert.match((await cli(["export", "--force=yes"])).err, /^error: --force takes no value/m);
  assert.match(
    (await cli(["trian"], "pointwise")).err,
    /unknown command 'trian'; did you mean train\?/,
  );
});

Deno.test("--erase-start-epoch counts epochs from 1, as they are printed", async () => {
  const zero = await cli(["train", "--erase-start-epoch", "0"]);
  assert.equal(zero.code, 2);
  assert.match(zero.err, /--erase-start-epoch is an epoch, counted from 1; got '0'/);
  const help = await cli(["train", "--help"]);
  // The reference's epoch_start_erasing = 1 is the second epoch.
  assert.match(help.out, /--erase-start-epoch N +first epoch that erases .*\[2\]$/m);
});

/** Asserts that the command refuses to overwrite `file`, leaving it as it was. */
async function assertRefuses(args: string[], file: string): Promise<void> {
  const before = await Deno.readFile(file);
  const r = await cli(args);
  assert.equal(r.code, 2, `${args.join(" ")}: ${r.err}`);
  assert.match(r.err, new RegExp(`${file.replaceAll(".", "\\.")}.* already .*--force`));
  assert.deepEqual(await Deno.readFile(file), before, "the existing output is left alone");
}

Deno.test("every command that writes refuses to overwrite an output without --force", async () => {
  const dir = join(tmp, "force");
  // export: writes, refuses, then overwrites with --force.
  const out = join(dir, "reference.safetensors");
  assert.equal((await cli(["export", "--model", model, "--out", out])).code, 0);
  await assertRefuses(["export", "--model", model, "--out", out], out);
  assert.equal((await cli(["export", "--model", model, "--out", out, "--force"])).code, 0);
  // import: the same rule for the model folder it writes.
  const imported = join(dir, "imported");
  assert.equal((await cli(["import", "--from", out, "--out", imported])).code, 0);
  const best = join(imported, "best.safetensors");
  await assertRefuses(["import", "--from", out, "--out", imported], best);
  assert.equal((await cli(["import", "--from", out, "--out", imported, "--force"])).code, 0);
  // train: an existing run.
  const run = join(dir, "run");
  await Deno.mkdir(run, { recursive: true });
  await Deno.writeFile(join(run, "last.safetensors"), checkpoint);
  const train = await cli(["train", "--out", run]);
  assert.equal(train.code, 2);
  assert.match(train.err, /already holds a run: .*--force to overwrite it/);
  // eval --report and weights fetch refuse before any work (no model run, no download).
  await assertRefuses(["eval", "--model", model, "--report", out], out);
  await assertRefuses(["weights", "fetch", "resnet18", "--out", out], out);
  // eval --overlays: the pictures and the CSV it would write.
  const panels = join(dir, "panels");
  await Deno.mkdir(panels);
  await Deno.writeTextFile(join(panels, "per_image.csv"), "kept\n");
  const flags = ["--synthetic-test", "2", "--synthetic-size", "48", "--overlays", panels];
  await assertRefuses(["eval", "--model", model, ...flags], join(panels, "per_image.csv"));
  // The export written with --force is a full reference file.
  const exported = exportReferenceWeights(decodeCheckpoint(checkpoint, "model"));
  assert.deepEqual((await Deno.readFile(out)).length, exported.length);
});

Deno.test("a file of the wrong type is named as what it is, for every command that reads models", async () => {
  const cases: [string[], RegExp][] = [
    [
      ["export", "--model", onnx, "--out", join(tmp, "x.onnx")],
      /an ONNX model, not a Pointwise checkpoint; .*exported from/,
    ],
    [
      ["export", "--model", png, "--out", join(tmp, "x.onnx")],
      /a PNG image, not a Pointwise checkpoint; give a run folder or a checkpoint/,
    ],
    [["train", "--resume", onnx], /an ONNX model, not a Pointwise checkpoint/],
    [["train", "--resume", png], /a PNG image, not a Pointwise checkpoint/],
    [
      ["import", "--from", onnx, "--out", join(tmp, "imp")],
      /an ONNX model, not a weight file .*cannot be read back from ONNX/,
    ],
    [["import", "--from", png, "--out", join(tmp, "imp")], /a PNG image, not a weight file/],
    [["import", "--from", model, "--out", join(tmp, "imp")], /already a Pointwise model/],
    [["train", "--init-backbone", onnx], /an ONNX model, not a weight file/],
    [["train", "--init-backbone", png], /a PNG image, not a weight file/],
  ];
  for (const [args, expected] of cases) {
    const r = await cli(args);
    assert.equal(r.code, 1, `${args.join(" ")}: ${r.err}`);
    assert.match(r.err, expected, args.join(" "));
    assert.doesNotMatch(r.err, /header length|runs past the end/);
  }
  // A PNG named like a checkpoint is still a PNG.
  const disguised = join(tmp, "disguised.safetensors");
  await Deno.writeFile(
    disguised,
    await encodePng({ width: 2, height: 2, data: new Uint8Array(12) }),
  );
  assert.match(
    (await cli(["export", "--model", disguised, "--out", join(tmp, "y.onnx")])).err,
    /a PNG image/,
  );
});
