import assert from "node:assert/strict";
import { parseSplitCsv, quoteField } from "./csv.ts";

Deno.test("split files: GlaS rows, optional masks, header, comments", () => {
  const rows = parseSplitCsv(
    "image,mask,label\ntrain_32.png,train_32_anno.png,benign\n\n# note\r\na.png,,malignant\nb.jpg, malignant\n",
    "train.csv",
  );
  assert.deepEqual(rows, [
    { image: "train_32.png", mask: "train_32_anno.png", label: "benign", line: 2 },
    { image: "a.png", mask: null, label: "malignant", line: 5 },
    { image: "b.jpg", mask: null, label: "malignant", line: 6 },
  ]);
});

Deno.test("split file errors name the file and line", () => {
  assert.throws(() => parseSplitCsv("", "empty.csv"), /empty\.csv: no rows/);
  assert.throws(
    () => parseSplitCsv("a.png,m.png,x,y,z\n", "s.csv"),
    /s\.csv:1: expected 'image,mask,label' \(or 'image,mask,label,ignore'\) but found 5 fields/,
  );
  assert.throws(
    () => parseSplitCsv("ok.png,m.png,a\n,m.png,b\n", "s.csv"),
    /s\.csv:2: the image field is empty/,
  );
  assert.throws(
    () => parseSplitCsv("a.png,m.png,\n", "s.csv"),
    /s\.csv:1: the label field is empty/,
  );
});

Deno.test("split files: a fourth field names an ignore mask, which needs a mask", () => {
  const rows = parseSplitCsv("image,mask,label,ignore\na.png,a_mask.png,x,a_ignore.png\n", "s.csv");
  assert.deepEqual(rows, [
    { image: "a.png", mask: "a_mask.png", label: "x", ignore: "a_ignore.png", line: 2 },
  ]);
  assert.throws(
    () => parseSplitCsv("a.png,,x,a_ignore.png\n", "s.csv"),
    /s\.csv:1: an ignore mask/,
  );
});

Deno.test("quoteField: plain text in single quotes, control characters escaped, long fields cut", () => {
  assert.equal(quoteField("zebra"), "'zebra'");
  assert.equal(quoteField("a\nb"), '"a\\nb"');
  assert.equal(quoteField("a\u0085\u009b"), '"a\\u0085\\u009b"');
  assert.equal(quoteField("x".repeat(100)), `'${"x".repeat(77)}...'`);
});
