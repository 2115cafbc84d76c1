import assert from "node:assert/strict";
import { csvNumber, csvRow } from "./csv.ts";

Deno.test("CSV fields are quoted when they must be, non-finite numbers are empty", () => {
  assert.equal(
    csvRow(["a.png", 'say "hi"', "x,y", "two\nlines"]),
    'a.png,"say ""hi""","x,y","two\nlines"',
  );
  assert.equal(csvRow([1.5, NaN, Infinity, 0]), "1.5,,,0");
  assert.equal(csvNumber(0.123456789, 4), "0.1235");
  assert.equal(csvNumber(NaN, 4), "");
});
