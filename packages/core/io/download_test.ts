import assert from "node:assert/strict";
import { serveCutShort, serveFiles } from "../_testing/http_fixture.ts";
import { DownloadError, downloadVerified, hashPrefixFromUrl, sha256Hex } from "./download.ts";
import { TORCHVISION_ARCHS, torchvisionWeights, weightsVersions } from "./torchvision_weights.ts";

const body = new Uint8Array(300_000).map((_, i) => (i * 7919) % 251);
const full = await sha256Hex(body);

Deno.test("sha256Hex matches a known digest", async () => {
  // sha256("abc"), FIPS 180-2 appendix B.1.
  assert.equal(
    await sha256Hex(new TextEncoder().encode("abc")),
    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
  );
});

Deno.test("downloadVerified returns the bytes once the full hash or its prefix matches", async () => {
  const server = serveFiles({ "/w.pth": body });
  try {
    const seen: [number, number | null][] = [];
    const got = await downloadVerified(`${server.base}/w.pth`, {
      sha256: full,
      onProgress: (r, t) => seen.push([r, t]),
    });
    assert.deepEqual(got.bytes, body);
    assert.equal(got.sha256, full);
    assert.deepEqual(seen[seen.length - 1], [body.length, body.length]);
    for (let i = 1; i < seen.length; i++) assert.ok(seen[i][0] > seen[i - 1][0]);
    const prefix = await downloadVerified(`${server.base}/w.pth`, { sha256: full.slice(0, 8) });
    assert.equal(prefix.sha256, full);
  } finally {
    await server.close();
  }
});

Deno.test("a wrong hash, an HTTP error and a bad expected hash all throw, naming the URL", async () => {
  const server = serveFiles({ "/w.pth": body });
  try {
    const wrong = (full[0] === "0" ? "1" : "0") + full.slice(1, 8);
    await assert.rejects(
      downloadVerified(`${server.base}/w.pth`, { sha256: wrong }),
      (e) =>
        e instanceof DownloadError &&
        e.message ===
          `${server.base}/w.pth: sha256 ${full} does not match the expected prefix ${wrong}`,
    );
    await assert.rejects(
      downloadVerified(`${server.base}/missing.pth`, { sha256: full }),
      /missing\.pth: HTTP 404/,
    );
    await assert.rejects(
      downloadVerified(`${server.base}/w.pth`, { sha256: "abc" }),
      /'abc' is not a sha256/,
    );
  } finally {
    await server.close();
  }
});

Deno.test("a connection cut before the announced length is an error, not a short file", async () => {
  const server = serveCutShort(body, 100_000);
  try {
    await assert.rejects(
      downloadVerified(`${server.base}/w.pth`, { sha256: full }),
      (e) =>
        e instanceof DownloadError &&
        /interrupted after \d+ bytes|ended at 100000 of the 300000 bytes/.test(e.message),
    );
  } finally {
    server.close();
  }
});

Deno.test("hash prefixes follow torch.hub's file-name rule; the catalogue agrees", () => {
  assert.equal(hashPrefixFromUrl("https://x/models/resnet18-f37072fd.pth"), "f37072fd");
  assert.equal(hashPrefixFromUrl("https://x/a-b/resnet.pth"), null);
  assert.equal(hashPrefixFromUrl("https://x/tiny-abc.pth"), null); // too short to check
  for (const arch of TORCHVISION_ARCHS) {
    for (const v of weightsVersions(arch)) {
      const w = torchvisionWeights(arch, v);
      assert.match(w.url, /^https:\/\/download\.pytorch\.org\/models\/resnet\d+-[0-9a-f]{8}\.pth$/);
      assert.ok(w.url.includes(`-${w.sha256Prefix}.pth`));
    }
  }
  assert.equal(torchvisionWeights("resnet50").enumName, "ResNet50_Weights.IMAGENET1K_V1");
  assert.throws(
    () => torchvisionWeights("resnet18", "v2"),
    /no v2 weights for resnet18 \(versions: v1\)/,
  );
});
