// The browser demo in a real browser: Debian's chromium, driven by
// playwright-core, loads the page from `deno task serve`, picks an image, waits
// for the overlay, and checks the class, probabilities and mask area it shows
// and the overlay it paints against the HTTP endpoint's answers for the same
// image. Then the page's worker (the bundled Web Worker entry of apps/worker)
// is spoken to directly, with protocol.ts's messages, and its answers for a
// PNG and a JPEG must equal the endpoint's. A screenshot is kept in
// test-artifacts/.
import assert from "node:assert/strict";
import { join } from "node:path";
import { decodeImage } from "@pointwise/core/lite";
import { CHROMIUM, hasChromium, launchChromium } from "./_browser.ts";
import { ROOT, syntheticPngs, tinyOnnx } from "./_helpers.ts";
import { startServe } from "./_server.ts";

if (!hasChromium) {
  console.warn(`skipping the browser test: ${CHROMIUM} is missing (.ci/run installs chromium)`);
}

Deno.test({
  name: "the demo page and its worker localize in the browser as the HTTP endpoint does",
  ignore: !hasChromium,
  // playwright-core keeps its pipe to the browser open across the test.
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const tmp = await Deno.makeTempDir({ prefix: "pointwise-browser-" });
    const modelPath = join(tmp, "model.onnx");
    await Deno.writeFile(modelPath, await tinyOnnx(["stripes", "dots"], 11));
    const [png] = await syntheticPngs([120], 21);
    const imagePath = join(tmp, "slide.png");
    await Deno.writeFile(imagePath, png);
    // The server's onnxruntime gets the page's threads: its dilated convolutions
    // (output stride 16) sum in an order that depends on the thread count
    // (7e-8 apart in the probabilities at 1 against 2 threads, measured).
    const threads = Math.max(1, Math.min(navigator.hardwareConcurrency, 8));
    const server = await startServe(modelPath, { POINTWISE_THREADS: String(threads) });
    const browser = await launchChromium();
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
      const api = await localizeOverHttp(server.base, png);
      assert.equal(shown, api.class);
      type Row = { cells: ArrayLike<{ textContent: string }> };
      const rows = await page.$$eval(
        "#probabilities tr",
        (trs) => trs.map((tr) => Array.from((tr as unknown as Row).cells, (td) => td.textContent)),
      );
      assert.deepEqual(
        rows.map((r) => r.slice(0, 2)),
        Object.entries(api.probabilities).map(([c, p]) => [c, (p as number).toFixed(3)]),
      );
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

      // The worker itself, as any page would use it: the same numbers as the endpoint.
      const jpeg = await Deno.readFile(join(ROOT, "tests/fixtures/rgb.jpg"));
      const answers = await page.evaluate(talkToWorker, [Array.from(png), Array.from(jpeg)]);
      assert.equal(answers.model.provider, "wasm");
      // A cross-origin-isolated page gives onnxruntime threads (all cores, at most 8).
      const cores = await page.evaluate("navigator.hardwareConcurrency") as number;
      assert.equal(answers.model.threads, Math.max(1, Math.min(cores, 8)));
      for (const [i, bytes] of [png, jpeg].entries()) {
        const { mask, ...http } = await localizeOverHttp(server.base, bytes);
        const { maskPng, ...summary } = answers.images[i];
        // The float32 outputs are the same, but the softmax's Math.exp of
        // Chromium's V8 and of Deno's differ in the last bit for about one
        // argument in ten (measured): probabilities agree to 1e-12, a thousand
        // times below float32 resolution; everything else is equal.
        for (const key of ["probabilities", "localizerProbabilities"] as const) {
          for (const [c, p] of Object.entries(http[key]) as [string, number][]) {
            const q = summary[key][c];
            assert.ok(Math.abs(q - p) <= 1e-12, `${key}.${c}: ${q} in the page, ${p} over HTTP`);
            summary[key][c] = p;
          }
        }
        assert.deepEqual(summary, http);
        assert.equal(maskPng, mask.data);
      }
      assert.ok(!logs.some((l) => /single-thread/i.test(l)), logs.join("\n"));
    } finally {
      await browser.close();
      await server.stop();
    }
  },
});

async function localizeOverHttp(base: string, image: Uint8Array) {
  const r = await fetch(`${base}/v1/localize`, { method: "POST", body: image as BodyInit });
  assert.equal(r.status, 200);
  return await r.json();
}

/** The worker's answer for an image, its mask PNG in base64. */
interface Answer {
  maskPng: string;
  probabilities: Record<string, number>;
  localizerProbabilities: Record<string, number>;
  [field: string]: unknown;
}

/** Runs in the page: loads the served model into a new demo worker and localizes each image. */
async function talkToWorker(images: number[][]) {
  const worker = new Worker("worker/demo_worker.js", { type: "module" });
  let next = 1;
  const send = (m: Record<string, unknown>) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      const id = next++;
      worker.addEventListener("message", function on(e: MessageEvent) {
        if (e.data.id !== id) return;
        worker.removeEventListener("message", on);
        if (e.data.error) reject(new Error(e.data.error.message));
        else resolve(e.data.result);
      });
      worker.postMessage({ ...m, id });
    });
  const model = new Uint8Array(await (await fetch("model.onnx")).arrayBuffer());
  const description = await send({ model });
  const answers: Answer[] = [];
  for (const image of images) {
    const { maskPng, overlayPng: _, ...summary } = await send({ image: Uint8Array.from(image) });
    answers.push({
      ...summary,
      maskPng: btoa(String.fromCharCode(...(maskPng as Uint8Array))),
    } as Answer);
  }
  worker.terminate();
  return { model: description as { provider: string; threads: number }, images: answers };
}
