// The browser demo in a real browser: Debian's chromium, driven by
// playwright-core, loads the page from `deno task serve`, picks an image, waits
// for the overlay, and checks the class it shows and the overlay it paints
// against the HTTP endpoint's answers for the same image. A screenshot is
// kept in test-artifacts/.
import assert from "node:assert/strict";
import { join } from "node:path";
import { decodeImage } from "@pointwise/core/lite";
import { ROOT, syntheticPngs, tinyOnnx } from "./_helpers.ts";
import { startServe } from "./_server.ts";

const CHROMIUM = "/usr/bin/chromium";
const hasChromium = await Deno.stat(CHROMIUM).then(() => true, () => false);
if (!hasChromium) {
  console.warn(`skipping the browser test: ${CHROMIUM} is missing (.ci/run installs chromium)`);
}

Deno.test({
  name: "the demo page localizes an image in the browser and shows the endpoint's class",
  ignore: !hasChromium,
  // playwright-core keeps its pipe to the browser open across the test.
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const { chromium } = await import("playwright-core");
    const tmp = await Deno.makeTempDir({ prefix: "pointwise-browser-" });
    const modelPath = join(tmp, "model.onnx");
    await Deno.writeFile(modelPath, await tinyOnnx(["stripes", "dots"], 11));
    const [png] = await syntheticPngs([120], 21);
    const imagePath = join(tmp, "slide.png");
    await Deno.writeFile(imagePath, png);
    const server = await startServe(modelPath);
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        // playwright gives each launch a fresh, empty profile directory.
      ],
    });
    try {
      const page = await browser.newPage();
      const logs: string[] = [];
      page.on("console", (m) => logs.push(m.text()));
      page.on("pageerror", (e) => logs.push(String(e)));
      await page.goto(`${server.base}/`);
      await page.waitForSelector("body[data-state=ready]", { timeout: 60_000 }).catch((e) => {
        throw new Error(`the model did not load in the page: ${e}\n${logs.join("\n")}`);
      });
      // Served with COOP/COEP, the page may give onnxruntime threads.
      assert.equal(await page.evaluate("crossOriginIsolated"), true);
      await page.setInputFiles("#file", imagePath);
      await page.waitForSelector("body[data-state=done]", { timeout: 60_000 }).catch(async (e) => {
        throw new Error(`${e}\nstatus: ${await page.textContent("#status")}\n${logs.join("\n")}`);
      });
      const shown = (await page.textContent("#class"))?.trim();
      const api = await (await fetch(`${server.base}/v1/localize`, {
        method: "POST",
        body: png as BodyInit,
      })).json();
      assert.equal(shown, api.class);
      // The page paints the API's overlay: turbo at the same weight, the same outline. Its
      // colour table has 256 entries where the API evaluates turbo exactly: at most half a
      // step of t apart, a few levels after the 0.45 weight. The masks may differ at pixels
      // whose score is at the threshold to within float rounding.
      const overlayPng = new Uint8Array(
        await (await fetch(`${server.base}/v1/localize`, {
          method: "POST",
          body: png as BodyInit,
          headers: { accept: "image/png" },
        })).arrayBuffer(),
      );
      const apiOverlay = await decodeImage(overlayPng, "overlay.png");
      // Page code as a string: this file is type-checked without the DOM's types.
      const canvas = await page.evaluate(`(() => {
        const c = document.getElementById("overlay");
        return Array.from(c.getContext("2d").getImageData(0, 0, c.width, c.height).data);
      })()`) as number[];
      assert.equal(canvas.length / 4, apiOverlay.width * apiOverlay.height);
      let off = 0, worst = 0;
      for (let i = 0; i < canvas.length / 4; i++) {
        const d = Math.max(
          ...[0, 1, 2].map((c) => Math.abs(canvas[4 * i + c] - apiOverlay.data[3 * i + c])),
        );
        if (d > 4) off++;
        worst = Math.max(worst, d);
      }
      assert.ok(off <= 0.005 * (canvas.length / 4), `${off} pixels differ (worst ${worst})`);
      // Each class's probability bar has its own colour.
      const colours = await page.evaluate(`Array.from(
        document.querySelectorAll("#probabilities .bar"),
        (b) => getComputedStyle(b).backgroundColor,
      )`) as string[];
      assert.equal(colours.length, 2);
      assert.notEqual(colours[0], colours[1]);
      // The tab's icon is served.
      const icon = await fetch(`${server.base}/favicon.ico`);
      assert.equal(icon.status, 200);
      assert.equal(icon.headers.get("content-type"), "image/x-icon");
      assert.deepEqual(Array.from((await icon.bytes()).subarray(0, 4)), [0, 0, 1, 0]);
      // The page's mask area at the model's threshold is the endpoint's.
      const area = await page.textContent("#area");
      assert.equal(area, `${(100 * api.maskArea).toFixed(1)}% of the image`);
      // The threshold slider redraws the mask without running the model again.
      await page.fill("#threshold", "0.99");
      assert.equal(await page.textContent("#threshold-value"), "0.99");
      assert.notEqual(await page.textContent("#area"), area, "a higher threshold shrinks the mask");
      await page.fill("#threshold", "0.5");
      assert.equal(await page.textContent("#area"), area);
      await Deno.mkdir(join(ROOT, "test-artifacts"), { recursive: true });
      await page.screenshot({ path: join(ROOT, "test-artifacts", "browser_demo.png") });
    } finally {
      await browser.close();
      await server.stop();
    }
  },
});
