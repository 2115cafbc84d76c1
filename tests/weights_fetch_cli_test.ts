// `pointwise weights fetch` against local HTTP servers (this machine and CI have no
// internet; the real URLs are never contacted in tests).
import assert from "node:assert/strict";
import { join } from "node:path";
import { decodePytorch, decodeSafetensors, sha256Hex } from "@pointwise/core/io";
import { serveCutShort, serveFiles } from "@pointwise/core/testing";
import { listDir, ROOT, runScript } from "./_helpers.ts";

const tmp = await Deno.makeTempDir({ prefix: "pointwise-fetch-" });
// A PyTorch file written by tests/fixtures/make_pth_fixtures.py stands in for ImageNet weights.
const PTH = await Deno.readFile(join(ROOT, "tests", "fixtures", "pth", "tensors.pth"));
const SHA = await sha256Hex(PTH);
const NET = ["--allow-net=127.0.0.1"];

const fetchTo = (out: string, ...args: string[]) =>
  runScript("apps/cli/main.ts", ["weights", "fetch", "resnet18", "--out", out, ...args], NET);

Deno.test("weights fetch downloads, checks the name's sha256 prefix and writes safetensors", async () => {
  const server = serveFiles({ [`/models/resnet18-${SHA.slice(0, 8)}.pth`]: PTH });
  try {
    const out = join(tmp, "ok", "r18.safetensors");
    const r = await fetchTo(out, "--url", `${server.base}/models/resnet18-${SHA.slice(0, 8)}.pth`);
    assert.equal(r.code, 0, r.stderr);
    assert.match(
      r.stdout,
      new RegExp(`sha256 ${SHA}, checked against the sha256 prefix ${SHA.slice(0, 8)}`),
    );
    const written = decodeSafetensors(await Deno.readFile(out), out);
    const source = decodePytorch(PTH, "tensors.pth");
    assert.deepEqual(written.tensors, source.tensors);
    assert.equal(written.metadata.sha256, SHA);
    assert.equal(written.metadata.weights, "ResNet18_Weights.IMAGENET1K_V1");
    // A full hash given on the command line is checked whole.
    const again = await fetchTo(
      out,
      "--url",
      `${server.base}/models/resnet18-${SHA.slice(0, 8)}.pth`,
      "--sha256",
      SHA,
    );
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /checked against the full sha256/);
  } finally {
    await server.close();
  }
});

Deno.test("weights fetch writes nothing on a wrong hash or an interrupted download", async () => {
  const wrong = (SHA[0] === "0" ? "1" : "0") + SHA.slice(1, 8);
  const server = serveFiles({ [`/models/resnet18-${wrong}.pth`]: PTH });
  const cut = serveCutShort(PTH, 1000);
  try {
    const dir = join(tmp, "bad");
    await Deno.mkdir(dir);
    const bad = await fetchTo(
      join(dir, "w.safetensors"),
      "--url",
      `${server.base}/models/resnet18-${wrong}.pth`,
    );
    assert.equal(bad.code, 1);
    assert.match(
      bad.stderr,
      new RegExp(`sha256 ${SHA} does not match the expected prefix ${wrong}`),
    );
    const short = await fetchTo(
      join(dir, "w.safetensors"),
      "--url",
      `${cut.base}/x.pth`,
      "--sha256",
      SHA,
    );
    assert.equal(short.code, 1);
    assert.match(short.stderr, /x\.pth: the download (was interrupted after|ended at) /);
    assert.deepEqual(await listDir(dir), []);
  } finally {
    await server.close();
    cut.close();
  }
});

Deno.test("weights fetch usage errors exit 2", async () => {
  const noHash = await fetchTo(join(tmp, "x.safetensors"), "--url", "http://127.0.0.1:9/plain.pth");
  assert.equal(noHash.code, 2);
  assert.match(noHash.stderr, /carries no sha256 prefix; give --sha256/);
  const v2 = await runScript("apps/cli/main.ts", [
    "weights",
    "fetch",
    "resnet18",
    "--version",
    "v2",
  ]);
  assert.equal(v2.code, 2);
  assert.match(v2.stderr, /no v2 weights for resnet18/);
  const arch = await runScript("apps/cli/main.ts", ["weights", "fetch", "vgg16"]);
  assert.equal(arch.code, 2);
  assert.match(arch.stderr, /needs one of resnet18, resnet50, resnet101/);
});
