// The core's TIFF (geotiff, pure JavaScript) and WebP (libwebp in wasm) decoders in a real
// browser: bundled with `deno bundle --platform browser`, loaded by a page whose import map
// points `@jsquash/webp/` at the package's files (the decoder fetches its wasm from there), and
// run in Debian's chromium through playwright-core.
import assert from "node:assert/strict";
import { join } from "node:path";
import { hasChromium, launchChromium } from "./_browser.ts";
import { ROOT } from "./_helpers.ts";

const FILES = ["tiled_jpeg.tif", "strip_lzw.tif", "lossless.webp", "alpha.webp"];

Deno.test({
  name: "TIFF and WebP decode in the browser as in Deno",
  ignore: !hasChromium,
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const tmp = await Deno.makeTempDir({ prefix: "pointwise-codecs-browser-" });
    const bundle = await new Deno.Command(Deno.execPath(), {
      args: [
        "bundle",
        "--platform",
        "browser",
        "-o",
        join(tmp, "codecs.js"),
        "tests/browser/codecs_entry.ts",
      ],
      cwd: ROOT,
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.equal(bundle.code, 0, new TextDecoder().decode(bundle.stderr));
    const webpPackage = join(
      ROOT,
      "node_modules/.deno/@jsquash+webp@1.5.0/node_modules/@jsquash/webp/",
    );
    const page = `<!doctype html><script type="importmap">
      {"imports": {"@jsquash/webp/": "/webp/"}}</script>
      <script type="module">
      import { decodeAll } from "/codecs.js";
      const get = async (f) => new Uint8Array(await (await fetch("/fixtures/" + f)).arrayBuffer());
      decodeAll(await Promise.all(${JSON.stringify(FILES)}.map(get)))
        .then((r) => (window.result = r), (e) => (window.result = String(e)));
      </script>`;
    const types: Record<string, string> = { js: "text/javascript", wasm: "application/wasm" };
    const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
      const path = new URL(req.url).pathname;
      if (path === "/") return new Response(page, { headers: { "content-type": "text/html" } });
      const file = path === "/codecs.js"
        ? join(tmp, "codecs.js")
        : path.startsWith("/webp/")
        ? join(webpPackage, path.slice(6))
        : path.startsWith("/fixtures/")
        ? join(ROOT, "tests", "fixtures", path.slice(10))
        : null;
      if (file === null || file.includes("..")) return new Response("not found", { status: 404 });
      const type = types[file.split(".").pop()!] ?? "application/octet-stream";
      return new Response(await Deno.readFile(file), { headers: { "content-type": type } });
    });
    const browser = await launchChromium();
    try {
      const tab = await browser.newPage();
      await tab.goto(`http://127.0.0.1:${server.addr.port}/`);
      let result: unknown;
      for (let i = 0; i < 120 && result === undefined; i++) {
        result = await tab.evaluate("window.result");
        if (result === undefined) await new Promise((r) => setTimeout(r, 250));
      }
      // 24x16 red | blue fixtures: the first pixel is red (200, 30, 40); alpha.webp is 50% alpha.
      // Lossy-coded ones come within a few levels of it (chroma subsampling, JPEG rounding).
      assert.ok(Array.isArray(result), `the page failed: ${result}`);
      for (const [i, row] of (result as number[][]).entries()) {
        assert.deepEqual(row.slice(0, 4), [24, 16, 24, 16], FILES[i]);
        for (const [k, want] of [200, 30, 40].entries()) {
          assert.ok(Math.abs(row[4 + k] - want) <= 8, `${FILES[i]}: ${row}`);
        }
        assert.equal(row[7], FILES[i] === "alpha.webp" ? 128 : 255, FILES[i]);
      }
    } finally {
      await browser.close();
      await server.shutdown();
    }
  },
});
