import assert from "node:assert/strict";
import { encodeMaskPng, encodePng } from "./encode.ts";
import { classesFromLabels, loadSplit } from "./dataset.ts";

const files = new Map<string, Uint8Array>();
const img = (w: number, h: number) =>
  encodePng({ width: w, height: h, data: new Uint8Array(w * h * 3).fill(90) });
const mask = (w: number, h: number) =>
  encodeMaskPng({ width: w, height: h, data: new Uint8Array(w * h).fill(1) });
files.set("a.png", await img(6, 4));
files.set("a_m.png", await mask(6, 4));
files.set("b.png", await img(5, 5));
files.set("b_m.png", await mask(6, 4));
files.set("junk.png", new TextEncoder().encode("not an image"));
const read = (p: string) => {
  const f = files.get(p);
  return f ? Promise.resolve(f) : Promise.reject(new Error("no such file"));
};

Deno.test("loadSplit decodes images and masks and indexes labels", async () => {
  const ds = await loadSplit({
    csvText: "a.png,a_m.png,malignant\na.png,,benign\n",
    csvName: "t.csv",
    read,
  });
  assert.deepEqual(ds.classes, ["benign", "malignant"]);
  assert.equal(ds.samples.length, 2);
  assert.equal(ds.samples[0].label, 1);
  assert.equal(ds.samples[0].mask!.data.length, 24);
  assert.equal(ds.samples[1].mask, null);
});

Deno.test("loadSplit reports every bad row with file and line before anything trains", async () => {
  const csv = [
    "a.png,a_m.png,benign",
    "missing.png,a_m.png,benign",
    "junk.png,,benign",
    "b.png,b_m.png,benign",
    "a.png,a_m.png,unknown",
  ].join("\n");
  const err = await loadSplit({
    csvText: csv,
    csvName: "valid.csv",
    read,
    classes: ["benign", "malignant"],
  })
    .then(() => null, (e) => e as Error);
  assert.ok(err);
  assert.match(err.message, /valid\.csv:2: cannot read missing\.png: no such file/);
  assert.match(err.message, /valid\.csv:3: junk\.png: cannot decode the image/);
  assert.match(err.message, /valid\.csv:4: mask b_m\.png is 6x4 but image b\.png is 5x5/);
  assert.match(err.message, /valid\.csv:5: unknown label 'unknown' \(classes: benign, malignant\)/);
  await assert.rejects(
    loadSplit({ csvText: "\n", csvName: "empty.csv", read }),
    /empty\.csv: no rows/,
  );
  await assert.rejects(
    loadSplit({ csvText: "a.png,,benign", csvName: "e.csv", read, requireMasks: true }),
    /e\.csv:1: no mask for a\.png/,
  );
});

Deno.test("classes are sorted naturally", () => {
  assert.deepEqual(classesFromLabels(["10", "2", "b", "a", "2"]), ["2", "10", "a", "b"]);
});
