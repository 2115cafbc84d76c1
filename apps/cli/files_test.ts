import assert from "node:assert/strict";
import { join } from "node:path";
import { readPrefixFor, removeStaleTemps, writeFileAtomic, writeGroupAtomic } from "./files.ts";

const names = async (dir: string) =>
  (await Array.fromAsync(Deno.readDir(dir))).map((e) => e.name).sort();

Deno.test("a group of files appears whole", async () => {
  const dir = await Deno.makeTempDir();
  await writeGroupAtomic([
    { path: join(dir, "sub", "a.png"), data: Uint8Array.of(1, 2) },
    { path: join(dir, "sub", "a.json"), data: "{}\n" },
  ]);
  assert.deepEqual(await names(join(dir, "sub")), ["a.json", "a.png"]);
  assert.equal(await Deno.readTextFile(join(dir, "sub", "a.json")), "{}\n");
});

Deno.test("a group that cannot be written whole leaves nothing of itself, even with force", async () => {
  const dir = await Deno.makeTempDir();
  // A folder where the last file goes: its rename fails after the others were placed.
  await Deno.mkdir(join(dir, "a.json", "x"), { recursive: true });
  await assert.rejects(
    writeGroupAtomic([
      { path: join(dir, "a_mask.png"), data: Uint8Array.of(1) },
      { path: join(dir, "a_overlay.jpg"), data: Uint8Array.of(2) },
      { path: join(dir, "a.json"), data: "{}" },
    ], { force: true }),
    /cannot write .*a\.json: .*nothing of a_mask\.png, a_overlay\.jpg, a\.json was written/,
  );
  assert.deepEqual(await names(dir), ["a.json"]);
  assert.deepEqual(await names(join(dir, "a.json")), ["x"]);
});

Deno.test("without force, a group never replaces a file, even one that appears meanwhile", async () => {
  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(join(dir, "b.json"), "mine");
  await assert.rejects(
    writeGroupAtomic([
      { path: join(dir, "b.png"), data: Uint8Array.of(1) },
      { path: join(dir, "b.json"), data: "theirs" },
    ]),
    /b\.json: it exists \(pass --force to replace it\)/,
  );
  assert.equal(await Deno.readTextFile(join(dir, "b.json")), "mine");
  assert.deepEqual(await names(dir), ["b.json"]);
  await writeGroupAtomic([{ path: join(dir, "b.json"), data: "theirs" }], { force: true });
  assert.equal(await Deno.readTextFile(join(dir, "b.json")), "theirs");
});

Deno.test("stale temporaries of the named files are removed, nothing else", async () => {
  const dir = await Deno.makeTempDir();
  for (
    const n of [".last.safetensors.123.0a1b2c3d.tmp", ".other.bin.9.0a1b2c3d.tmp", "notes.tmp"]
  ) {
    await Deno.writeTextFile(join(dir, n), "");
  }
  await writeFileAtomic(join(dir, "last.safetensors"), "ok");
  const removed = await removeStaleTemps(dir, ["last.safetensors", "best.safetensors"]);
  assert.deepEqual(removed, [".last.safetensors.123.0a1b2c3d.tmp"]);
  assert.deepEqual(await names(dir), [
    ".other.bin.9.0a1b2c3d.tmp",
    "last.safetensors",
    "notes.tmp",
  ]);
  assert.deepEqual(await removeStaleTemps(join(dir, "none"), ["x"]), []);
});

Deno.test("readPrefixFor reads at most the prefix, gives the whole size, and names bad paths", async () => {
  const dir = await Deno.makeTempDir();
  const path = join(dir, "big.bin");
  const data = new Uint8Array(300_000).map((_, i) => i % 251);
  await Deno.writeFile(path, data);
  const head = await readPrefixFor(path, "image", 1000);
  assert.equal(head.size, 300_000);
  assert.deepEqual(head.bytes, data.subarray(0, 1000));
  const all = await readPrefixFor(path, "image", 1 << 20);
  assert.deepEqual(all.bytes, data);
  await assert.rejects(
    readPrefixFor(join(dir, "none.png"), "image", 10),
    /cannot read image .*none\.png: no such file/,
  );
  await assert.rejects(readPrefixFor(dir, "image", 10), /cannot read image .*: /);
});
