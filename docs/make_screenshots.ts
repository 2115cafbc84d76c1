// Redraws the README's screenshots from the default run (`deno task train`):
// docs/report.jpg (the top of `eval --report`'s page) and
// docs/browser_demo.png (the demo page on a 256x256 synthetic image), with
// Debian's chromium driven by playwright-core.
// deno run -A docs/make_screenshots.ts   (it runs chromium: all permissions)
import { join } from "node:path";
import { decodeImage, encodeJpeg, encodePng, syntheticDataset } from "@pointwise/core/data";
import { startServe } from "../tests/_server.ts";
import { launchChromium } from "../tests/_browser.ts";

const RUN = "runs/synthetic";
const tmp = await Deno.makeTempDir({ prefix: "pointwise-shots-" });

async function deno(args: string[]): Promise<void> {
  const r = await new Deno.Command(Deno.execPath(), { args, stdout: "null", stderr: "piped" })
    .output();
  if (!r.success) throw new Error(`deno ${args.join(" ")}:\n${new TextDecoder().decode(r.stderr)}`);
}

const report = join(tmp, "report.html");
await deno(["run", "-A", "apps/cli/main.ts", "eval", "--model", RUN, "--report", report]);
const model = join(tmp, "model.onnx");
await deno(["run", "-A", "tasks/export.ts", "--model", RUN, "--out", model]);
// A larger image than the run's 128 px ones, drawn like them (the model is fully convolutional).
const sample = syntheticDataset({ count: 1, size: 256, classes: 2, seed: 7 }).samples[0];
const image = join(tmp, "slide.png");
await Deno.writeFile(image, await encodePng(sample.image));

const browser = await launchChromium();
const server = await startServe(model);
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 1500 } });
  await page.goto(`file://${await Deno.realPath(report)}`);
  const shot = await decodeImage(await page.screenshot(), "report");
  await Deno.writeFile("docs/report.jpg", await encodeJpeg(shot, { quality: 80 }));

  const demo = await browser.newPage({ viewport: { width: 860, height: 580 } });
  await demo.goto(`${server.base}/`);
  await demo.waitForSelector("body[data-state=ready]", { timeout: 60_000 });
  await demo.setInputFiles("#file", image);
  await demo.waitForSelector("body[data-state=done]", { timeout: 60_000 });
  // The timing in the status line varies from run to run; the picture should not.
  await demo.evaluate(`document.getElementById("status").textContent = "slide.png: 256x256"`);
  const demoShot = await decodeImage(await demo.screenshot(), "demo");
  await Deno.writeFile("docs/browser_demo.png", await encodePng(demoShot));
} finally {
  await browser.close();
  await server.stop();
  await Deno.remove(tmp, { recursive: true });
}
for (const f of ["docs/report.jpg", "docs/browser_demo.png"]) {
  console.log(`${f}: ${((await Deno.stat(f)).size / 1024).toFixed(0)} KiB`);
}
