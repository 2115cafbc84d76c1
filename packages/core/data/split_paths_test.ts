import assert from "node:assert/strict";
import { type DataSpec, loadData } from "./data_spec.ts";
import { outsidePathProblem, SplitFileError } from "./dataset.ts";
import { encodePng } from "./encode.ts";

const png = await encodePng({ width: 2, height: 2, data: new Uint8Array(12).fill(7) });

/** A file system of one split file; records every path read. */
function files(csv: string) {
  const read: string[] = [];
  const readFile = (p: string) => {
    read.push(p);
    return Promise.resolve(p.endsWith(".csv") ? new TextEncoder().encode(csv) : png);
  };
  return { read, readFile };
}

const spec = (allowOutside?: boolean): DataSpec => ({
  kind: "folder",
  dir: "/data/set",
  splits: { train: "/data/set/split/train.csv" },
  ...(allowOutside ? { allowOutside } : {}),
});

Deno.test("split files cannot reach outside the dataset folder unless allowed", async () => {
  const csv = "../../etc/passwd,,a\n/abs/b.png,,b\nok/../c.png,,a\n";
  const fs = files(csv);
  await assert.rejects(loadData(spec(), "train", fs), (e) => {
    assert.ok(e instanceof SplitFileError && e.outside);
    assert.match(e.message, /train\.csv:1: image path '\.\.\/\.\.\/etc\/passwd' is refused/);
    assert.match(
      e.message,
      /train\.csv:2: image path '\/abs\/b\.png' is refused: it is an absolute/,
    );
    return true;
  });
  // Nothing outside was opened; the row that stays inside was.
  assert.deepEqual(fs.read, ["/data/set/split/train.csv", "/data/set/ok/../c.png"]);

  const allowed = files(csv);
  const ds = await loadData(spec(true), "train", allowed);
  assert.equal(ds.samples.length, 3);
  // An absolute path is read as written, not inside the folder.
  assert.deepEqual(allowed.read.slice(1), [
    "/data/set/../../etc/passwd",
    "/abs/b.png",
    "/data/set/ok/../c.png",
  ]);
});

Deno.test("outsidePathProblem: absolute paths and climbs, with either separator", () => {
  for (const p of ["a.png", "img/a.png", "img/../a.png", "./a.png", "a..b.png", "..a.png"]) {
    assert.equal(outsidePathProblem(p), null, p);
  }
  for (const p of ["/a.png", "\\a.png", "C:\\a.png", "c:a.png", "../a.png", "img/../../a.png"]) {
    assert.notEqual(outsidePathProblem(p), null, p);
  }
  assert.notEqual(outsidePathProblem("img\\..\\..\\a.png"), null);
});
