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

Deno.test("an ignore mask becomes the region outside the foreground; its size is checked", async () => {
  // Foreground: the left half of a 6x4 mask; the ignore mask covers the top row.
  files.set(
    "half.png",
    await encodeMaskPng({
      width: 6,
      height: 4,
      data: Uint8Array.from({ length: 24 }, (_, i) => (i % 6 < 3 ? 1 : 0)),
    }),
  );
  files.set(
    "top.png",
    await encodeMaskPng({
      width: 6,
      height: 4,
      data: Uint8Array.from({ length: 24 }, (_, i) => (i < 6 ? 1 : 0)),
    }),
  );
  const ds = await loadSplit({ csvText: "a.png,half.png,x,top.png\n", csvName: "t.csv", read });
  assert.deepEqual([...ds.samples[0].ignore!.data.slice(0, 12)], [
    0,
    0,
    0,
    1,
    1,
    1,
    0,
    0,
    0,
    0,
    0,
    0,
  ]);
  assert.equal(ds.samples[0].ignore!.data.reduce((a, b) => a + b, 0), 3);
  await assert.rejects(
    loadSplit({
      csvText: "a.png,a_m.png,x,b_m.png\nb.png,b_m.png,x,a_m.png\n",
      csvName: "t.csv",
      read,
    }),
    /t\.csv:2: .*mask b_m\.png is 6x4 but image b\.png is 5x5/,
  );
  await assert.rejects(
    loadSplit({
      csvText: "a.png,a_m.png,x,small.png\n",
      csvName: "t.csv",
      read: (p) => p === "small.png" ? mask(2, 2) : read(p),
    }),
    /t\.csv:1: ignore mask small\.png is 2x2 but the mask is 6x4/,
  );
});

Deno.test("a label with a control character is shown escaped, not raw", async () => {
  const read = () => Promise.reject(new Error("not read"));
  const err = await loadSplit({
    csvText: "a.png,,be\u001b[2Jnign\n",
    csvName: "s.csv",
    read,
    classes: ["benign", "malignant"],
  }).then(() => null, (e) => e as Error);
  assert.ok(err);
  assert.ok(!err.message.includes("\u001b"), err.message);
  assert.ok(err.message.includes(`s.csv:1: unknown label "be\\u001b[2Jnign"`), err.message);
});
